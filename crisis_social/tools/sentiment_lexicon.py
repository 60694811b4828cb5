# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The German and English lexicon of the sentiment scorer (``sentiment.py``):
word valences from -4 to +4, negations, intensifiers, diminishers, "but"
words, sarcasm markers and emoji. Written for this addon (AGPL-3 like the
rest of it; no third-party word lists, nothing downloaded).

Entries ending in ``*`` match every word that starts with them, which covers
German inflection and compounds (``enttäusch*``: enttäuscht, Enttäuschung).
"""

import re
import unicodedata

_FOLD_TABLE = str.maketrans({"ß": "ss", "’": "'", "´": "'"})


def fold(text):
    """Lower case without accents: "Rückruf" -> "ruckruf", "Straße" -> "strasse"."""
    text = (text or "").lower().translate(_FOLD_TABLE)
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def lower(text):
    """Lower case for the lexicon: umlauts stay (schön is not schon)."""
    return (text or "").lower().translate(_FOLD_TABLE)


def _entries(spec):
    """Parse "word:valence word2:valence" blocks into a dict."""
    result = {}
    for item in spec.split():
        word, _sep, value = item.rpartition(":")
        result[lower(word)] = float(value)
    return result


# --------------------------------------------------------------------------
# German
# --------------------------------------------------------------------------
DE_WORDS = _entries(
    """
    gut:2 super:3 toll:2.5 klasse:2.5 prima:2.5 spitze:3 top:2.5 perfekt:3
    danke:2 dank:1.5 vorbildlich:3 lob:2.5 lobenswert:3 stark:1.5 klar:0.5
    schnell:1.5 transparent:2 transparenz:2 offen:1 ehrlich:2 ehrlichkeit:2
    freundlich:2 hilfsbereit:2.5 professionell:2.5 kompetent:2.5 souverän:2.5
    zufrieden:2 beruhigend:2 beruhigt:2 erleichtert:2 erleichterung:2
    hervorragend:3 ausgezeichnet:3 grossartig:3 wunderbar:3 schön:2
    beeindruckend:2.5 respekt:2.5 fair:2 zuverlässig:2.5 verlässlich:2.5
    sicher:1 gerettet:2 unverletzt:2 wohlauf:2 glück:2 glücklicherweise:1.5
    engagiert:2 engagement:2 hilfe:1 geholfen:2 hilft:1.5 unterstützung:1.5
    daumen:1 bravo:3 weiter_so:2.5 gelungen:2.5 gelöst:2 vertrauen:1.5
    sympathisch:2 menschlich:1.5 dankbar:2.5 froh:2 freue:2 freut:2 freude:2
    mutig:2 vorbild:2.5 besonnen:2 umsichtig:2.5 bestens:3 ordentlich:1.5
    schlecht:-2.5 mies:-3 miserabel:-3.5 furchtbar:-3 schrecklich:-3
    schlimm:-2.5 schlimmer:-2.5 schlimmste:-3 übel:-2.5 peinlich:-2.5
    unverschämt:-3 unverschämtheit:-3.5 frech:-2 frechheit:-3
    sauerei:-3.5 schweinerei:-3.5 schande:-3 schämen:-2.5 schämt:-2.5
    lüge:-3 lügen:-3 lügt:-3 gelogen:-3 lügner:-3.5 verlogen:-3.5
    vertuschen:-3 vertuscht:-3 vertuschung:-3.5 verschweigen:-2.5
    verschwiegen:-2.5 verheimlicht:-3 ignoriert:-2 ignorieren:-2
    arrogant:-3 arroganz:-3 ignorant:-3 inkompetent:-3 inkompetenz:-3
    versagt:-3 versagen:-3 versager:-3 unfähig:-3 unfähigkeit:-3
    katastrophe:-3 katastrophal:-3.5 desaster:-3 debakel:-3 chaos:-2.5
    chaotisch:-2.5 skandal:-3 skandalös:-3.5 wut:-3 wütend:-3 sauer:-2.5
    zorn:-3 empört:-3 empörung:-3 empörend:-3 ekelhaft:-3 ekel:-3
    widerlich:-3.5 abartig:-3 dreist:-3 dreistigkeit:-3 zumutung:-3
    enttäuscht:-2.5 enttäuschend:-2.5 enttäuschung:-2.5 angst:-2 ängste:-2
    sorge:-1.5 sorgen:-1.5 besorgt:-1.5 beunruhigend:-2 beunruhigt:-2
    gefährlich:-2.5 gefahr:-2 giftig:-2.5 gift:-2.5 verseucht:-3
    krebs:-2 krank:-2 verletzt:-2 tot:-3 tote:-3 gestorben:-3
    rücksichtslos:-3 verantwortungslos:-3.5 fahrlässig:-3 gierig:-3
    gier:-3 profitgier:-3.5 abzocke:-3 abzocker:-3.5 betrug:-3.5
    betrüger:-3.5 betrogen:-3 verarscht:-3.5 verarsche:-3.5 verarschen:-3.5
    beschiss:-3.5 mist:-2.5 scheisse:-3.5 scheiss:-3.5 kacke:-3 dreck:-3
    drecksladen:-3.5 saftladen:-3.5 laden:-0.3 witz:-1.5 lachhaft:-3
    lächerlich:-3 absurd:-2.5 unglaublich:-1 unfassbar:-2 unerträglich:-3
    inakzeptabel:-3 unakzeptabel:-3 nie:-1.5 boykottieren:-3
    warnung:-0.5 warnen:-1 warne:-1.5 respektlos:-3 unhöflich:-2.5
    hilfreich:2 übersichtlich:1.5 reibungslos:2 angemessen:1 es_reicht:-2.5 reicht_mir:-2.5 finger_weg:-3 meiden:-2 kündige:-2.5
    kündigen:-2 gekündigt:-2 nervt:-2.5 nervig:-2.5 ärgerlich:-2.5 ärger:-2
    ärgert:-2.5 stinkt:-2.5 gestank:-2.5 stinkend:-2.5 qualm:-1 rauch:-0.5
    kritik:-1.5 kritisiert:-1.5 vorwurf:-2 vorwürfe:-2 schuld:-2
    schuldig:-2.5 verantwortlich:-0.5 klage:-1.5 verklagen:-2.5 anzeige:-1.5
    problem:-1.5 probleme:-1.5 fehler:-2 mangel:-2 mängel:-2 defekt:-2
    kaputt:-2.5 ausfall:-1.5 störung:-1.5 warten:-1 wartet:-1 gewartet:-1.5
    stunden:-0.3 wochen:-0.3 niemand:-1.5 keiner:-1.5 nichts:-0.5 keine_antwort:-3
    schweigen:-2 schweigt:-2.5 funkstille:-2.5 ausrede:-2.5 ausreden:-2.5
    floskel:-2 floskeln:-2.5 heuchler:-3.5 heuchelei:-3.5 zynisch:-3
    traurig:-2 trauer:-1.5 schockiert:-2.5 schock:-2 entsetzt:-3 entsetzen:-3
    fassungslos:-3 unmöglich:-2 unzumutbar:-3 verzweifelt:-2.5 hilflos:-2
    allein_gelassen:-3 ausgenutzt:-3 bedroht:-2.5 bedrohung:-2.5
    zerstört:-3 zerstören:-3 ruiniert:-3 armutszeugnis:-3.5 dumm:-2.5
    dummheit:-3 stinksauer:-3.5 hingehalten:-2.5 hinhalten:-2.5
    unverantwortlich:-3 fehlverhalten:-2.5 versäumt:-2 versäumnis:-2.5
    ahnungslos:-2.5 planlos:-2.5 überfordert:-2 blamage:-3 blamabel:-3
    frust:-2 frustriert:-2.5 genervt:-2.5 unzufrieden:-2.5 unfreundlich:-2.5
    kriminell:-3.5 verbrecher:-3.5 tödlich:-3 vermisst:-1.5 opfer:-1.5
    sorgfältig:2 verständnis:1.5 entschuldigung:0.5 kompliment:2.5
    informativ:2 aufschlussreich:1.5 genial:3 dankeschön:2.5 merci:2
    zu_spät:-2 nichts_gelernt:-2.5 reagiert_nicht:-2 nicht_reagiert:-2
    keine_reaktion:-2.5 nie_wieder:-2 nie_mehr:-1.5 im_stich:-3
    gott_sei_dank:2.5 zum_glück:2 herzlichen_dank:2.5 hut_ab:2.5
    typisch:-1 wegducken:-2 duckt:-1.5 empathielos:-3 herzlos:-3 kaltherzig:-3
    zirkus:-2 kasperletheater:-3 affentheater:-3 farce:-3 amateure:-3
    amateurhaft:-3 clowns:-3 kaltschnäuzig:-3 unsensibel:-2.5 instinktlos:-3
    empathie:1.5 verständlich:1.5 easy:1.5 gesund:1.5 helfen:1.5
    organisiert:1 einwandfrei:2.5 kulant:2.5 kulanz:2 unkompliziert:2
    zügig:1.5 prompt:1.5 richtig_so:2 so_geht_das:2.5 gut_gemacht:2.5
    fehler_zugeben:3 fehler_zugebt:3 fehler_eingestanden:3
    unterirdisch:-3 grottig:-3 grottenschlecht:-3.5 dichtmachen:-2 zumachen:-1.5
    kein_wort:-2.5 glaube:1.5 glauben:1.5 problemlos:2 positiv:1.5
    positiv_überrascht:2.5 geld_zurück:1.5 wow:1 hervorgehoben:1
    vertrauen_ist_weg:-4 vertrauen_verloren:-4 vertrauen_verspielt:-4
    keine_rückmeldung:-2.5 reine_pr:-2.5 nur_pr:-2.5 pr-gag:-2.5 mehr_nicht:-1
    richtig_gemacht:2.5 chapeau:2.5 zufriedenstellend:1.5
    komisch:-1 seltsam:-1 merkwürdig:-1 fragwürdig:-2 zwielichtig:-2.5
    dubios:-2.5 reicht's:-2 langsam_reicht:-2.5 es_satt:-2.5 nase_voll:-3
    keine_entschuldigung:-2.5 keine_erklärung:-2 aus_der_zeitung:-1.5
    aus_den_medien:-1.5 schon_wieder:-1
    schuss_nicht_gehört:-3 versteckt:-2 verstecken:-2 keinen_plan:-2.5
    überhaupt_einen_plan:-2 leere_versprechungen:-2.5 leere_worte:-2.5
    versprechungen:-1 glaubt:1.5 schätze:1.5 schätzen:1.5 offenheit:2
    geduldig:2 schwach:-2 mag:1 sieht_nicht_danach_aus:-1.5 bezweifle:-1.5
    daneben:-2 nur_show:-2.5 nur_für_die_show:-2.5 show-veranstaltung:-2.5
    saubere_arbeit:2.5 cool:1.5 lieb:2 daumen_hoch:2.5 kein_wunder:-1.5
    """
)

DE_STEMS = _entries(
    """
    enttäusch*:-2.5 katastroph*:-3 skandal*:-3 versag*:-3 verantwortungslos*:-3.5
    unverschämt*:-3 vertusch*:-3 verlogen*:-3.5 lüg*:-3 belog*:-3 abzock*:-3
    betrüg*:-3.5 verarsch*:-3.5 inkompeten*:-3 unfähig*:-3 empör*:-3 ekel*:-3
    widerlich*:-3.5 peinlich*:-2.5 schäm*:-2.5 beschäm*:-2.5 rücksichtslos*:-3
    fahrlässig*:-3 gefähr*:-2.5 vergift*:-3 verseuch*:-3 krebserreg*:-3
    wütend*:-3 ärger*:-2.5 frechheit*:-3 zumutung*:-3 unzumutbar*:-3
    inakzeptab*:-3 lächerlich*:-3 miserab*:-3.5 furchtbar*:-3 schrecklich*:-3
    schlecht*:-2.5 zerstör*:-3 unverantwortlich*:-3 frustrier*:-2.5
    entsetz*:-3 schockier*:-2.5 beunruhig*:-2 besorgnis*:-2 verunsich*:-2
    gleichgültig*:-2.5 arrogan*:-3 ignorier*:-2 verschwieg*:-2.5 verschweig*:-2.5
    verheimlich*:-3 schlamper*:-3 pfusch*:-3 boykott*:-3 verklag*:-2.5
    stink*:-2.5 dreck*:-3 saustall*:-3.5 schweinerei*:-3.5 scheiß*:-3.5
    beschiss*:-3.5 zynis*:-3 heuchl*:-3.5 heuchel*:-3.5 profitgier*:-3.5
    vorbildlich*:3 hervorragend*:3 ausgezeichnet*:3 großartig*:3 beeindruck*:2.5
    professionell*:2.5 kompetent*:2.5 transparen*:2 zuverlässig*:2.5
    hilfsbereit*:2.5 freundlich*:2 dankbar*:2.5 erleichter*:2 beruhig*:2
    souverän*:2.5 wunderbar*:3 zufried*:2 umsichtig*:2.5 gelung*:2.5
    engagier*:2 bedank*:2 lobenswert*:3 herzlich*:2 respektvoll*:2.5
    """
)
DE_COMPOUND_HEADS = _entries(
    """
    skandal:-3 schaden:-1.5 katastrophe:-3 versagen:-3 lüge:-3 lügen:-3
    chaos:-2.5 desaster:-3 sauerei:-3.5 laden:-1 gestank:-2.5 wut:-3
    gift:-2.5 dreck:-3 betrug:-3.5 abzocke:-3 verbrecher:-3.5 schande:-3
    gier:-3 sauer:-2.5 problem:-1.5 probleme:-1.5 beschwerden:-1.5
    schmerzen:-2
    """
)
DE_NEGATIONS = frozenset(
    lower(w)
    for w in (
        "nicht kein keine keinen keinem keiner keines nie niemals nichts ohne "
        "weder kaum niemand null"
    ).split()
)
DE_INTENSIFIERS = _entries(
    """
    sehr:0.5 extrem:0.7 total:0.5 völlig:0.6 absolut:0.6 echt:0.4 wirklich:0.4
    so:0.3 richtig:0.4 unglaublich:0.6 mega:0.6 super:0 komplett:0.5 äußerst:0.6
    zutiefst:0.7 enorm:0.5 besonders:0.4 höchst:0.6 massiv:0.6 derart:0.5
    ziemlich:0.2 voll:0.4 einfach:0.2 immer:0.3 wieder:0.3
    """
)
DE_DIMINISHERS = _entries("etwas:-0.3 bisschen:-0.4 leicht:-0.3 kaum:-0.5 eher:-0.3")
DE_BUT = frozenset(lower(w) for w in "aber doch jedoch trotzdem allerdings".split())
DE_SARCASM = tuple(
    lower(p)
    for p in (
        "danke für nichts",
        "danke für nix",
        "vielen dank auch",
        "na toll",
        "na super",
        "na prima",
        "ja klar",
        "ja ne is klar",
        "ganz toll gemacht",
        "wie toll",
        "herzlichen glückwunsch",
        "gut gemacht, echt",
        "bravo, wirklich",
        "applaus",
        "glückwunsch zu",
        "läuft bei euch",
        "großes kino",
        "ganz großes kino",
        "weiter so, ihr",
        "super gemacht",
        "hauptsache",
    )
)

# --------------------------------------------------------------------------
# English
# --------------------------------------------------------------------------
EN_WORDS = _entries(
    """
    good:2 great:3 excellent:3 awesome:3 amazing:3 fantastic:3 wonderful:3
    nice:2 fine:1 perfect:3 love:3 loved:3 like:0.5 thanks:2 thank:2 grateful:2.5
    appreciate:2.5 appreciated:2.5 helpful:2.5 kind:0.5 friendly:2 fast:1.5
    quick:1.5 quickly:1.5 clear:1 transparent:2 transparency:2 honest:2
    honesty:2 open:0.5 professional:2.5 competent:2.5 impressive:2.5 impressed:2.5
    relieved:2 relief:2 reassuring:2 reassured:2 safe:1.5 safely:1.5 rescued:2
    unharmed:2 fortunately:1.5 luckily:1.5 glad:2 happy:2.5 pleased:2.5
    calm:1.5 well:1 solid:1.5 reliable:2.5 respect:2 respectful:2.5 fair:2
    kudos:3 bravo:3 brilliant:3 outstanding:3 exemplary:3 commendable:3
    supportive:2.5 support:1 helped:2 helps:1.5 resolved:2 solved:2 fixed:1.5
    trust:1.5 trustworthy:2.5 caring:2.5 proud:2 hats:1 responsive:2.5
    accountable:2 accountability:1.5 sincere:2 genuine:2 decent:1.5 best:2
    bad:-2.5 terrible:-3 horrible:-3 awful:-3 worst:-3.5 worse:-2.5 poor:-2
    pathetic:-3 disgusting:-3.5 disgrace:-3.5 disgraceful:-3.5 shameful:-3
    shame:-2.5 ashamed:-2.5 embarrassing:-2.5 outrageous:-3 outrage:-3
    outraged:-3 furious:-3 angry:-3 anger:-3 mad:-2.5 livid:-3.5 pissed:-3
    lie:-3 lies:-3 lied:-3 lying:-3 liar:-3.5 liars:-3.5 dishonest:-3
    coverup:-3.5 cover:-0.3 hiding:-2 hide:-1.5 hid:-2 concealed:-2.5
    arrogant:-3 arrogance:-3 ignorant:-3 incompetent:-3 incompetence:-3
    failed:-2.5 fail:-2.5 failure:-3 failing:-2.5 fails:-2.5 disaster:-3
    disastrous:-3.5 catastrophe:-3 catastrophic:-3.5 chaos:-2.5 chaotic:-2.5
    mess:-2.5 scandal:-3 scandalous:-3.5 disappointed:-2.5 disappointing:-2.5
    disappointment:-2.5 fear:-2 afraid:-2 scared:-2 worried:-1.5 worry:-1.5
    concerned:-1.5 concerning:-1.5 alarming:-2.5 dangerous:-2.5 danger:-2
    toxic:-2.5 poison:-3 poisoned:-3 poisonous:-3 contaminated:-3 cancer:-2
    sick:-2 ill:-1.5 injured:-2 dead:-3 died:-3 death:-3 reckless:-3
    irresponsible:-3.5 negligent:-3 negligence:-3 greedy:-3 greed:-3
    scam:-3.5 scammers:-3.5 fraud:-3.5 fraudulent:-3.5 cheated:-3 ripoff:-3
    crap:-3 shit:-3.5 shitty:-3.5 garbage:-3 trash:-3 joke:-1.5 laughable:-3
    ridiculous:-3 absurd:-2.5 unbelievable:-1 insane:-2 unacceptable:-3
    inexcusable:-3.5 unforgivable:-3.5 appalling:-3.5 appalled:-3 horrified:-3
    shocked:-2.5 shocking:-2.5 sad:-2 tragic:-2.5 heartbreaking:-2.5
    boycotting:-3 avoid:-2 warning:-0.5 disrespectful:-3 praise:2.5
    cancelling:-2 had_enough:-2.5 blames:-2 smoothly:2 appropriate:1 humane:2 beware:-2.5 cancel:-1.5 cancelled:-1.5
    canceling:-2 annoying:-2.5 annoyed:-2.5 frustrating:-2.5 frustrated:-2.5
    stinks:-2.5 stench:-2.5 smoke:-0.5 criticism:-1.5 criticized:-1.5
    blame:-2 blamed:-2 guilty:-2.5 lawsuit:-1.5 sue:-2 suing:-2 problem:-1.5
    problems:-1.5 issue:-1 issues:-1 broken:-2.5 defective:-2.5 faulty:-2.5
    waiting:-1 waited:-1.5 ignored:-2.5 ignoring:-2.5 ignore:-2 silence:-2
    silent:-1.5 excuse:-2 excuses:-2.5 hypocrite:-3.5 hypocrisy:-3.5
    hypocritical:-3.5 cynical:-3 nobody:-1.5 nothing:-0.5 never:-1.5 useless:-3
    unsafe:-3 hopeless:-2.5 helpless:-2 abandoned:-3 betrayed:-3 betrayal:-3
    threatening:-2.5 threat:-2 evil:-3 corrupt:-3.5 corruption:-3.5 sucks:-3
    suck:-3 hate:-3 hated:-3 hating:-3 nightmare:-3 fiasco:-3 sloppy:-2.5
    careless:-2.5 unprofessional:-3 rude:-2.5 insulting:-3 insult:-3
    misleading:-3 misled:-3 deceptive:-3 deceived:-3 lame:-2 weak:-1.5
    destroyed:-3 ruined:-3 clueless:-2.5 overwhelmed:-1.5 blunder:-2.5
    botched:-3 shambles:-3 farce:-3 criminal:-3.5 criminals:-3.5 deadly:-3
    fatal:-2.5 missing:-1 victims:-1.5 hurt:-2 harmed:-2.5 unhappy:-2.5
    dissatisfied:-2.5 unfriendly:-2.5 stupid:-2.5 dumb:-2.5 idiots:-3.5
    informative:2 thorough:2 compliments:2.5 thankful:2.5 cheers:1
    too_late:-2 no_response:-2.5 no_reply:-2.5 no_answer:-2.5 never_again:-2
    not_respond:-2 not_responding:-2 thank_god:2.5 well_done:2.5
    keep_it_up:2 hats_off:2.5
    circus:-2 what_kind_of:-1.5 best_before:-2 best-before:-2 let_down:-2.5
    let_us_down:-2.5 typical:-1 clown:-3 clowns:-3 amateurs:-3 amateurish:-3
    heartless:-3 callous:-3 tone-deaf:-3 ignorance:-3 top:2
    how_it's_done:2 empathy:1.5 understandable:1.5 healthy:1.5 easy:1
    admit:1 helping:1.5 help:1 organised:1 organized:1 smooth:2 prompt:1.5
    swift:1.5 accommodating:2 hassle-free:2.5 admit_your_mistakes:3
    admitting_mistakes:3
    dreadful:-3 atrocious:-3.5 abysmal:-3.5 lousy:-2.5 horrendous:-3.5
    believe:1.5 without_a_hitch:2.5 pleasantly:2 positively:1.5 openly:1.5
    money_back:1.5 wow:1 shut_down:-1.5 not_a_word:-2
    trust_is_gone:-4 lost_trust:-4 lost_my_trust:-4 lost_all_trust:-4
    no_feedback:-2 pure_pr:-2.5 just_pr:-2.5 pr_stunt:-3 string_us_along:-2.5
    stringing_us_along:-2.5 everything_right:2.5 satisfied:2 chapeau:2.5
    handled_well:2 well_handled:2
    weird:-1 strange:-1 questionable:-2 dubious:-2.5 fishy:-2 tired_of:-2.5
    sick_of:-3 fed_up:-3 no_apology:-2.5 no_explanation:-2
    from_the_newspaper:-1.5 from_the_news:-1.5 from_the_press:-1.5
    don't_get_it:-2.5 doesn't_get_it:-2.5 impossible:-2 hides:-2 empty_promises:-2.5 empty_words:-2.5
    no_plan:-2.5 even_have_a_plan:-2 openness:2 patient:1.5 doubt:-1.5
    doubt_it:-1 doesn't_look_like_it:-2
    totally_off:-2 for_show:-2.5 for_fools:-3 fools:-2.5 strong:1.5 very_cool:2
    so_cool:2 really_cool:2
    nice_work:2.5 thumbs_up:2.5 no_wonder:-1.5
    """
)
EN_STEMS = _entries(
    """
    disappoint*:-2.5 catastroph*:-3 scandal*:-3 irresponsib*:-3.5 outrag*:-3
    disgust*:-3.5 disgrac*:-3.5 incompeten*:-3 negligen*:-3 contaminat*:-3
    poison*:-3 boycott*:-3 cover-up*:-3.5 coverup*:-3.5 hypocri*:-3.5
    unacceptab*:-3 horrif*:-3 apall*:-3.5 apprecia*:2.5 profession*:2
    reassur*:2 transparen*:2 impress*:2.5 exemplar*:3 commend*:3 grateful*:2.5
    helpful*:2.5 respons*:0 endanger*:-2.5 jeopardi*:-2.5
    """
)
EN_COMPOUND_HEADS = {}
EN_NEGATIONS = frozenset(
    (
        "not no never none nobody nothing neither nor without cannot cant n't "
        "dont doesnt didnt isnt wasnt arent werent wont wouldnt couldnt "
        "shouldnt hardly barely zero don't doesn't didn't isn't wasn't aren't "
        "weren't won't wouldn't couldn't shouldn't can't haven't hasn't ain't"
    ).split()
)
EN_INTENSIFIERS = _entries(
    """
    very:0.5 extremely:0.7 totally:0.5 completely:0.6 absolutely:0.6 really:0.4
    so:0.3 truly:0.4 incredibly:0.6 utterly:0.7 deeply:0.6 highly:0.5 super:0.5
    such:0.3 seriously:0.4 beyond:0.4 most:0.3 again:0.3 always:0.3
    """
)
EN_DIMINISHERS = _entries(
    "slightly:-0.4 somewhat:-0.3 bit:-0.3 little:-0.2 kinda:-0.3 rather:-0.2"
)
EN_BUT = frozenset("but however yet though although".split())
EN_SARCASM = (
    "thanks for nothing",
    "yeah right",
    "oh great",
    "great job guys",
    "well done guys",
    "good job guys",
    "oh wonderful",
    "just great",
    "just perfect",
    "what a great",
    "nice going",
    "bravo guys",
    "slow clap",
    "love it when",
    "so much for",
    "congrats on",
    "way to go",
)

EMOJI = {
    "😡": -3,
    "🤬": -3.5,
    "😠": -3,
    "👎": -2.5,
    "💩": -3,
    "😤": -2.5,
    "😢": -2,
    "😭": -2,
    "😱": -2,
    "🤮": -3.5,
    "🤢": -3,
    "😞": -2,
    "😒": -2,
    "🙄": -2,
    "😬": -1,
    "💔": -2,
    "🔥": 0,
    "👍": 2,
    "❤": 2.5,
    "😊": 2,
    "🙂": 1.5,
    "😀": 2,
    "😃": 2,
    "😍": 3,
    "🎉": 2.5,
    "👏": 2,
    "🙏": 1.5,
    "💪": 2,
    "✅": 1,
    "🥰": 3,
    "💚": 2,
}
SARCASM_EMOJI = ("🙄", "🤡", "/s")
# "Danke für gar nichts", "thanks for absolutely nothing", "super ... nicht.",
# "Toll, jetzt ...", "great, now ...", "#not".
SARCASM_RE = re.compile(
    r"\b(?:danke|thanks?|thank you)\s+(?:für|for)\s+(?:\w+\s+){0,2}"
    r"(?:nichts|nix|nothing)\b"
    r"|(?:\.\.\.|…)\s*(?:nicht|not)\b"
    r"|^\W*(?:toll|super|prima|klasse|great|perfect|wonderful|brilliant|"
    r"fantastic),?\s+(?:jetzt|nun|now)\b"
    r"|#not\b|muss man erst ?mal|takes talent"
)
