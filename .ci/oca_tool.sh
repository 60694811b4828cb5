#!/usr/bin/env bash
# Run a tool of OCA's maintainer-tools (oca-gen-addon-readme, oca-fix-manifest-website)
# for a pre-commit hook. The package (oca-maintainers-tools) is not on the package
# index, so the project's virtualenv cannot carry it offline: when the tool is not
# installed, say so and pass, and the files stay as they were last generated.
set -uo pipefail
tool=$1
shift
if command -v "$tool" >/dev/null 2>&1; then
  exec "$tool" "$@"
fi
echo "$tool: not installed, skipped. To run it: pip install" \
  "'oca-maintainers-tools @ git+https://github.com/OCA/maintainer-tools' pypandoc-binary" >&2
exit 0
