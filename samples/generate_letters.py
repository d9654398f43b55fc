#!/usr/bin/python3
"""Render synthetic German administrative letters addressed to the BAMF.

Each letter is an A4 page image at 300 dpi (2480 x 3508 px), one to three pages,
with mild seeded scan artefacts, saved as TIFF (CCITT G4, LZW greyscale, JPEG),
PNG or JPEG. Beside every image the generator writes <file>.truth.json with the
ground truth (document type, BAMF case number, court file number, date, text...).

Runs with Debian's /usr/bin/python3: standard library plus python3-pil only.
Fonts: fonts-dejavu-core and fonts-liberation.

Example:
    python3 samples/generate_letters.py --out samples/letters --count 8 --seed 1 \
        --registry samples/case_registry.csv
"""

import argparse
import csv
import datetime as dt
import json
import math
import os
import random
import sys
import time

try:
    from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont
except ImportError:  # pragma: no cover - environment problem
    sys.stderr.write("generate_letters.py: Pillow is missing (apt-get install python3-pil)\n")
    sys.exit(3)

# --------------------------------------------------------------------------------------
# Page geometry (300 dpi; 1 mm = 11.811 px)
# --------------------------------------------------------------------------------------
DPI = 300
PAGE_W, PAGE_H = 2480, 3508
MM = DPI / 25.4
LEFT = int(25 * MM)             # 295 px
RIGHT = PAGE_W - int(20 * MM)   # 2244 px
TOP = int(20 * MM)              # 236 px
BODY_BOTTOM = PAGE_H - int(27 * MM)   # body text must end above this line
FOOTER_Y = PAGE_H - int(20 * MM)      # baseline area for "Seite x von y"

BODY_PX = 46    # 11 pt at 300 dpi
SMALL_PX = 34   # 8 pt
FOOT_PX = 38    # 9 pt
HEAD_PX = 62    # 15 pt, letterheads
TITLE_PX = 58   # 14 pt, document titles

FORMATS = ("tiff-g4", "tiff-lzw", "tiff-jpeg", "png", "jpeg")
EXT = {"tiff-g4": ".tif", "tiff-lzw": ".tif", "tiff-jpeg": ".tif", "png": ".png", "jpeg": ".jpg"}
# PNG and JPEG hold one page only; multi-page letters fall back to this TIFF flavour.
MULTIPAGE_FALLBACK = {"png": "tiff-lzw", "jpeg": "tiff-jpeg"}

DOC_TYPES = ("Asylantrag", "Ladung", "Gerichtsentscheidung", "Schriftsatz",
             "Vollmacht", "Personenstandsurkunde", "Sonstiges")
DOC_WEIGHTS = (14, 14, 14, 20, 12, 10, 16)
# Short document kinds never run to three pages.
MAX_PAGES = {"Ladung": 2, "Vollmacht": 2, "Personenstandsurkunde": 2, "Sonstiges": 2}

FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/truetype/liberation")
FAMILIES = {
    "DejaVuSans": ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    "DejaVuSerif": ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf"),
    "LiberationSans": ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
    "LiberationSerif": ("LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf"),
}

# --style eval: other fonts, wording and noise than the default ("train") style, so an
# evaluation set measures generalisation rather than memory of the training letters.
EVAL_FAMILIES = {
    "DejaVuSansCondensed": ("DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Bold.ttf"),
    "DejaVuSerifCondensed": ("DejaVuSerifCondensed.ttf", "DejaVuSerifCondensed-Bold.ttf"),
    "LiberationSansNarrow": ("LiberationSansNarrow-Regular.ttf", "LiberationSansNarrow-Bold.ttf"),
}
EVAL_REWORDING = [
    ("Sehr geehrte Damen und Herren,", "Sehr geehrte Damen, sehr geehrte Herren,"),
    ("Mit freundlichen Grüßen", "Mit freundlichem Gruß"),
    ("Hiermit ", "Hierdurch "), ("hiermit ", "hierdurch "),
    ("übersenden wir", "erhalten Sie von uns"), ("bitten wir", "ersuchen wir"),
    ("unverzüglich", "umgehend"), ("Unterlagen", "Dokumente"), ("beigefügt", "in der Anlage"),
    ("Bundesrepublik Deutschland", "Bundesrepublik"), ("mitgeteilt", "bekanntgegeben"),
    ("Bitte ", "Wir bitten: "), ("weitere", "zusätzliche"), ("schriftlich", "in Schriftform"),
]
STYLE = {"name": "train"}


def reword(value):
    """Applies the eval style's wording to every string of a letter's content."""
    if isinstance(value, str):
        for old, new in EVAL_REWORDING:
            value = value.replace(old, new)
        return value
    if isinstance(value, list):
        return [reword(v) for v in value]
    if isinstance(value, tuple):
        return tuple(reword(v) for v in value)
    if isinstance(value, dict):
        return {k: (v if k in ("court_file_number", "kind") else reword(v)) for k, v in value.items()}
    return value


MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
          "September", "Oktober", "November", "Dezember")
WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")

LATEST_DATE = dt.date(2025, 6, 30)   # fixed so output does not depend on "today"

# --------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------
BAMF_RECIPIENTS = [
    ["Bundesamt für Migration und Flüchtlinge", "Frankenstraße 210", "90461 Nürnberg"],
    ["Bundesamt für Migration und Flüchtlinge", "Referat Prozessführung", "Frankenstraße 210",
     "90461 Nürnberg"],
    ["Bundesamt für Migration und Flüchtlinge", "Außenstelle Zirndorf", "Rothenburger Straße 29",
     "90513 Zirndorf"],
    ["Bundesamt für Migration und Flüchtlinge", "Außenstelle München", "Streitfeldstraße 39",
     "81673 München"],
    ["Bundesamt für Migration und Flüchtlinge", "Außenstelle Bamberg", "Geisfelder Straße 30",
     "96050 Bamberg"],
]

# (adjective stem, country, birthplace, language, BAMF country code)
ORIGINS = [
    ("afghanisch", "Afghanistan", "Herat", "Dari", "423"),
    ("syrisch", "Syrien", "Aleppo", "Arabisch", "475"),
    ("irakisch", "Irak", "Mossul", "Kurmanci", "438"),
    ("iranisch", "Iran", "Täbris", "Farsi", "439"),
    ("eritreisch", "Eritrea", "Asmara", "Tigrinya", "224"),
    ("nigerianisch", "Nigeria", "Benin City", "Englisch", "232"),
    ("türkisch", "Türkei", "Diyarbakir", "Türkisch", "163"),
    ("somalisch", "Somalia", "Mogadischu", "Somali", "273"),
]
# accusative and "in ..." forms for countries used with an article
COUNTRY_FORMS = {"Türkei": ("die Türkei", "in der Türkei"), "Irak": ("den Irak", "im Irak"),
                 "Iran": ("den Iran", "im Iran")}
MALE_FIRST = ["Ahmad", "Mohammed", "Omar", "Yusuf", "Abdullah", "Hassan", "Ali", "Samir",
              "Tesfay", "Dawit", "Emeka", "Farid", "Reza", "Jamal", "Karim", "Bilal", "Mustafa"]
FEMALE_FIRST = ["Fatima", "Amina", "Mariam", "Leyla", "Zainab", "Aisha", "Helen", "Nour",
                "Sara", "Yasmin", "Hawa", "Rahel", "Soraya"]
CLIENT_LAST = ["Karimi", "Haidari", "Ahmadi", "Al-Hassan", "Mahmoud", "Ibrahim", "Osman",
               "Tesfamariam", "Abebe", "Okafor", "Rahimi", "Hosseini", "Yilmaz", "Demir",
               "Haddad", "Nasser", "Sultani", "Barakzai", "Hussein", "Mohamud"]
GERMAN_FIRST_M = ["Thomas", "Michael", "Jörg", "Stefan", "Jürgen", "Markus", "Andreas", "Tobias"]
GERMAN_FIRST_F = ["Jana", "Katrin", "Sabine", "Anja", "Bärbel", "Müge", "Claudia", "Franziska"]
GERMAN_LAST = ["Müller", "Schäfer", "Weiß", "Krüger", "Böhm", "Groß", "Özdemir", "Hoffmann",
               "Schröder", "Köhler", "Vogel", "Lößl", "Bäumler", "Fuchs", "Strauß", "Wörner"]
STREETS = ["Fürther Straße", "Allersberger Straße", "Königstraße", "Schweinauer Hauptstraße",
           "Gibitzenhofstraße", "Äußere Sulzbacher Straße", "Löwenstraße", "Brückenstraße",
           "Bahnhofstraße", "Hauptstraße", "Schloßstraße", "Gartenstraße"]
CITIES = [("90402", "Nürnberg"), ("90762", "Fürth"), ("91052", "Erlangen"), ("91522", "Ansbach"),
          ("80331", "München"), ("93047", "Regensburg"), ("97070", "Würzburg"),
          ("96047", "Bamberg"), ("95444", "Bayreuth"), ("86150", "Augsburg")]
COURTS = [
    ("Ansbach", "Promenade 24-28", "91522 Ansbach", "0981 5904-0", "AN"),
    ("München", "Bayerstraße 30", "80335 München", "089 5143-0", "M"),
    ("Würzburg", "Burkarderstraße 26", "97082 Würzburg", "0931 4198-0", "W"),
    ("Regensburg", "Haidplatz 1", "93047 Regensburg", "0941 5025-0", "RN"),
    ("Bayreuth", "Friedrichstraße 16", "95444 Bayreuth", "0921 5907-0", "B"),
    ("Augsburg", "Kornhausgasse 4", "86152 Augsburg", "0821 327-04", "AU"),
]
AUTHORITIES = [
    ("Landratsamt Fürth", "Ausländerbehörde", "Im Pinderpark 2", "90513 Zirndorf", "Zirndorf"),
    ("Stadt Nürnberg", "Einwohneramt – Ausländerbehörde", "Egidienplatz 23", "90403 Nürnberg",
     "Nürnberg"),
    ("Zentrale Ausländerbehörde Mittelfranken", "Regierung von Mittelfranken",
     "Promenade 27", "91522 Ansbach", "Ansbach"),
    ("Jobcenter Nürnberg-Stadt", "Leistungsabteilung", "Rollnerstraße 4", "90408 Nürnberg",
     "Nürnberg"),
]
REGISTRY_OFFICES = [
    ("Stadt Erlangen", "Standesamt", "Rathausplatz 1", "91052 Erlangen", "Erlangen"),
    ("Stadt Fürth", "Standesamt", "Königstraße 86", "90762 Fürth", "Fürth"),
    ("Stadt Nürnberg", "Standesamt", "Hauptmarkt 18", "90403 Nürnberg", "Nürnberg"),
]
TRANSLATORS = [("Übersetzungsbüro Lößl", "Beeidigte Übersetzerin für Arabisch und Farsi",
                "Königstraße 12", "90402 Nürnberg", "Nürnberg")]

# --------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------


def date_de(d):
    return "%d. %s %d" % (d.day, MONTHS[d.month - 1], d.year)


def date_num(d):
    return "%02d.%02d.%d" % (d.day, d.month, d.year)


def date_text(rng, d):
    """The three date styles seen on letters: 12.03.2025, 12. März 2025, 12.3.25."""
    style = rng.choice(("num", "num", "long", "short"))
    if style == "num":
        return date_num(d)
    if style == "long":
        return date_de(d)
    return "%d.%d.%02d" % (d.day, d.month, d.year % 100)


def rand_date(rng, start, end):
    span = (end - start).days
    return start + dt.timedelta(days=rng.randint(0, max(span, 0)))


def person(rng, origin=None, gender=None):
    origin = origin or rng.choice(ORIGINS)
    gender = gender or rng.choice("mmf")
    first = rng.choice(MALE_FIRST if gender == "m" else FEMALE_FIRST)
    last = rng.choice(CLIENT_LAST)
    dob = rand_date(rng, dt.date(1970, 1, 1), dt.date(2005, 12, 31))
    plz, city = rng.choice(CITIES[:4])
    street = "%s %d" % (rng.choice(STREETS), rng.randint(1, 140))
    return {"first": first, "last": last, "name": "%s %s" % (first, last), "gender": gender,
            "dob": dob, "origin": origin, "street": street, "plz": plz, "city": city}


def grammar(p):
    """Gendered phrases for sentences about the applicant/claimant."""
    m = p["gender"] == "m"
    stem = p["origin"][0]
    return {
        "Kl": "Kläger" if m else "Klägerin",
        "derKl": "der Kläger" if m else "die Klägerin",
        "DerKl": "Der Kläger" if m else "Die Klägerin",
        "demKl": "dem Kläger" if m else "der Klägerin",
        "desKl": "des Klägers" if m else "der Klägerin",
        "Ast": "Antragsteller" if m else "Antragstellerin",
        "DerAst": "Der Antragsteller" if m else "Die Antragstellerin",
        "derAst": "der Antragsteller" if m else "die Antragstellerin",
        "demAst": "dem Antragsteller" if m else "der Antragstellerin",
        "desAst": "des Antragstellers" if m else "der Antragstellerin",
        "er": "er" if m else "sie",
        "sein": "sein" if m else "ihr",
        "seinen": "seinen" if m else "ihren",
        "Mandant": "unseres Mandanten" if m else "unserer Mandantin",
        "Mandant_nom": "unser Mandant" if m else "unsere Mandantin",
        "UnserMandant": "Unser Mandant" if m else "Unsere Mandantin",
        "Mandant_dat": "unserem Mandanten" if m else "unserer Mandantin",
        "nat": stem + ("er" if m else "e"),
        "Asylber": "Asylberechtigter" if m else "Asylberechtigte",
        "dem": "dem" if m else "der",
        "jung": "ein junger, gesunder und arbeitsfähiger Mann" if m
                else "eine junge, gesunde und arbeitsfähige Frau",
    }


# --------------------------------------------------------------------------------------
# Sentence banks used to fill bodies (multi-page letters draw more of them)
# --------------------------------------------------------------------------------------
BANK = {
    "Asylantrag": [
        "In meinem Heimatland wurde ich wegen meiner politischen Überzeugung verfolgt und mehrfach bedroht.",
        "Meine Familie lebt noch in {birthplace}; eine Rückkehr ist für mich nicht möglich, weil mir dort Gefahr für Leib und Leben droht.",
        "Ich bitte um einen Termin für die persönliche Anhörung und um die Hinzuziehung eines Dolmetschers für die Sprache {lang}.",
        "Ärztliche Unterlagen über meine gesundheitlichen Beschwerden füge ich bei; weitere Nachweise reiche ich nach.",
        "Über die Entscheidung bitte ich, mich schriftlich an die oben genannte Anschrift zu informieren.",
        "Mein Reisepass wurde mir während der Flucht abgenommen; eine Kopie meines Personalausweises liegt diesem Schreiben bei.",
        "Ich versichere, dass meine Angaben vollständig und wahrheitsgemäß sind.",
        "Während der Überfahrt habe ich einen Großteil meiner Dokumente verloren.",
        "Bitte berücksichtigen Sie, dass meine Ehefrau schwanger ist und besondere Fürsorge benötigt.",
        "Seit meiner Ankunft wohne ich in einer Gemeinschaftsunterkunft und besuche einen Deutschkurs.",
        "Mein älterer Bruder wurde im vergangenen Jahr festgenommen; über seinen Verbleib ist nichts bekannt.",
        "Ich habe mich {in_country} öffentlich gegen die Regierung geäußert und wurde deshalb bedroht.",
        "Übersetzungen der beigefügten Schreiben werde ich so schnell wie möglich nachreichen.",
    ],
    "Asylantrag_lawyer": [
        "{UnserMandant} ist am {entry} in die Bundesrepublik Deutschland eingereist und derzeit unter der Anschrift {addr} gemeldet.",
        "{UnserMandant} wurde {in_country} wegen {sein}er politischen Betätigung verfolgt und mehrfach bedroht.",
        "Wir bitten um Übersendung der Ladung zur Anhörung an unsere Kanzlei und um Hinzuziehung eines Dolmetschers für die Sprache {lang}.",
        "Ärztliche Unterlagen sowie weitere Nachweise werden nach Vorliegen unverzüglich nachgereicht.",
        "Der Reisepass {Mandant} wurde während der Flucht abgenommen; eine Kopie des Personalausweises ist beigefügt.",
        "Eine Rückkehr nach {birthplace} ist {Mandant_dat} nicht zuzumuten, da dort Gefahr für Leib und Leben droht.",
        "Wir beantragen bereits jetzt Akteneinsicht und bitten um Übersendung der Niederschrift über die Anhörung.",
        "Die Familie {Mandant} lebt weiterhin {in_country}; Angehörige wurden nach der Ausreise wiederholt von Sicherheitskräften aufgesucht.",
        "Übersetzungen der beigefügten Dokumente werden nachgereicht.",
        "Wir bitten, den Eingang dieses Antrags kurz zu bestätigen.",
    ],
    "Ladung": [
        "Beim Ausbleiben eines Beteiligten kann auch ohne ihn verhandelt und entschieden werden (§ 102 Abs. 2 VwGO).",
        "Das persönliche Erscheinen {desKl} ist angeordnet; ein Dolmetscher für die Sprache {lang} wird vom Gericht hinzugezogen.",
        "Die Beklagte wird gebeten, die vollständigen Behördenakten spätestens zwei Wochen vor dem Termin vorzulegen.",
        "Sollten Sie verhindert sein, teilen Sie dies bitte unter Angabe von Gründen unverzüglich schriftlich mit.",
        "Der Sitzungssaal befindet sich im Erdgeschoß; der Zugang ist barrierefrei über den Seiteneingang möglich.",
        "Bitte bringen Sie zum Termin einen gültigen Lichtbildausweis und diese Ladung mit.",
        "Eine Terminsverlegung ist nur aus erheblichen Gründen möglich (§ 173 VwGO i. V. m. § 227 ZPO).",
        "Die Beteiligten werden gebeten, etwaige weitere Erkenntnismittel bis spätestens eine Woche vor dem Termin zu übersenden.",
        "Das Gericht beabsichtigt, die in der beigefügten Liste genannten Erkenntnismittel zum Gegenstand des Verfahrens zu machen.",
        "Für die Einlasskontrolle ist ausreichend Zeit einzuplanen; gefährliche Gegenstände dürfen nicht mitgeführt werden.",
        "Über einen Antrag auf Übertragung des Rechtsstreits auf die Kammer wird im Termin entschieden.",
    ],
    "Gerichtsentscheidung": [
        "{DerKl} ist nach eigenen Angaben {nat} Staatsangehörige{r_suffix} und reiste am {entry} in die Bundesrepublik Deutschland ein.",
        "Mit Bescheid vom {bescheid} lehnte das Bundesamt den Antrag auf Zuerkennung der Flüchtlingseigenschaft ab.",
        "Die zulässige Klage ist unbegründet, da {derKl} keine begründete Furcht vor Verfolgung glaubhaft gemacht hat.",
        "Das Gericht folgt den Feststellungen und der Begründung des angefochtenen Bescheids und sieht von einer weiteren Darstellung ab (§ 77 Abs. 3 AsylG).",
        "Die Schilderungen {desKl} in der mündlichen Verhandlung waren in wesentlichen Punkten widersprüchlich und oberflächlich.",
        "Nach den dem Gericht vorliegenden Erkenntnismitteln ist die Sicherheitslage in der Herkunftsregion nicht so gefährlich, dass jeder Rückkehrer einer ernsthaften individuellen Bedrohung ausgesetzt wäre.",
        "Die Kostenentscheidung beruht auf § 154 Abs. 1 VwGO; Gerichtskosten werden gemäß § 83b AsylG nicht erhoben.",
        "Abschiebungsverbote nach § 60 Abs. 5 und Abs. 7 Satz 1 AufenthG liegen nicht vor.",
        "{DerKl} ist {jung}, {dem} es zuzumuten ist, {seinen} Lebensunterhalt durch Gelegenheitsarbeiten zu sichern.",
        "Die Ausreiseaufforderung und die Abschiebungsandrohung begegnen keinen rechtlichen Bedenken.",
        "Das Einreise- und Aufenthaltsverbot wurde ermessensfehlerfrei auf 30 Monate ab dem Tag der Abschiebung befristet.",
        "Die Entscheidung über die vorläufige Vollstreckbarkeit folgt aus § 167 VwGO i. V. m. §§ 708 ff. ZPO.",
    ],
    "Schriftsatz": [
        "Die Beklagte hat den Vortrag {desKl} zu Unrecht als unglaubhaft gewürdigt.",
        "{DerKl} war in {sein}em Heimatort {birthplace} gezielten Übergriffen durch Milizen ausgesetzt.",
        "Wir beantragen Akteneinsicht in die vollständige Behördenakte und bitten um Übersendung an unsere Kanzlei.",
        "Ein fachärztliches Attest über die posttraumatische Belastungsstörung {desKl} wird nachgereicht.",
        "Die Würdigung im Bescheid übergeht wesentliche Äußerungen {desKl} in der Anhörung.",
        "Zur Glaubhaftmachung wird auf die beigefügte eidesstattliche Versicherung verwiesen.",
        "Die allgemeine Versorgungslage {in_country} hat sich seit dem Erlass des Bescheids erheblich verschlechtert.",
        "Es wird angeregt, den Rechtsstreit nicht auf den Einzelrichter zu übertragen.",
        "Wir bitten, uns den Eingang dieses Schriftsatzes kurz zu bestätigen.",
        "Die Anhörung wurde ohne Dolmetscher für die Muttersprache {lang} durchgeführt; Übersetzungsfehler sind daher nicht auszuschließen.",
        "Der Bescheid ist {demKl} erst am {zustellung} zugegangen, die Klagefrist ist folglich gewahrt.",
        "Auf die Entscheidung des Bayerischen Verwaltungsgerichtshofs zu vergleichbaren Fällen wird ergänzend Bezug genommen.",
    ],
    "Vollmacht": [
        "Die Vollmacht gilt auch für die Erteilung von Untervollmachten und erlischt nicht durch den Tod des Vollmachtgebers.",
        "Zustellungen sollen ausschließlich an die Bevollmächtigten erfolgen.",
        "Ich entbinde die behandelnden Ärzte gegenüber meinen Bevollmächtigten von der Schweigepflicht.",
        "Die Vollmacht wurde mir in meine Muttersprache {lang} übersetzt und erläutert.",
        "Etwaige frühere Vollmachten werden hiermit widerrufen.",
        "Die Bevollmächtigten sind berechtigt, Akteneinsicht zu nehmen und Abschriften anzufordern.",
        "Die Vollmacht erstreckt sich auch auf Verfahren vor der Ausländerbehörde und dem Sozialamt.",
        "Gebühren und Auslagen werden nach dem Rechtsanwaltsvergütungsgesetz abgerechnet.",
        "Die Bevollmächtigten dürfen Geld und Wertsachen in Empfang nehmen und darüber quittieren.",
        "Mündliche Nebenabreden zu dieser Vollmacht bestehen nicht.",
        "Die Vollmacht kann jederzeit schriftlich widerrufen werden; der Widerruf wird erst mit Zugang wirksam.",
    ],
    "Personenstandsurkunde_registry": [
        "Änderungen oder Zusätze sind in der Urkunde nicht enthalten.",
        "Die Urkunde wird zur Vorlage beim Bundesamt für Migration und Flüchtlinge ausgestellt.",
        "Gebührenfrei gemäß § 64 Abs. 2 Satz 3 Nr. 2 SGB X.",
        "Die Eintragung beruht auf den vorgelegten ausländischen Urkunden und den Angaben der Beteiligten.",
        "Die Schreibweise der Namen folgt der im Reisepass verwendeten Umschrift.",
        "Bei Rückfragen wenden Sie sich bitte an die oben genannte Stelle.",
        "Eine Nachbeurkundung im Geburtenregister ist auf Antrag möglich.",
        "Die Angaben zur Staatsangehörigkeit der Eltern konnten nicht abschließend geprüft werden.",
        "Weitere Ausfertigungen können gegen Gebühr beim Standesamt angefordert werden.",
        "Für die Richtigkeit der Angaben aus ausländischen Urkunden übernimmt das Standesamt keine Gewähr.",
    ],
    "Personenstandsurkunde_translator": [
        "Die Richtigkeit und Vollständigkeit der vorstehenden Übersetzung des mir im Original vorgelegten Dokuments wird hiermit bestätigt.",
        "Die Originalurkunde ist mit einem Rundsiegel und einer Unterschrift versehen.",
        "Die Schreibweise der Namen folgt der im Reisepass verwendeten Umschrift.",
        "Die Urkunde wurde im Original vorgelegt und nach Prüfung zurückgegeben.",
        "Auf der Rückseite des Originals befindet sich ein Beglaubigungsvermerk des Außenministeriums.",
        "Unleserliche Stellen im Original sind in der Übersetzung mit [unleserlich] gekennzeichnet.",
        "Die Datumsangaben wurden aus dem dortigen Kalender in den gregorianischen Kalender übertragen.",
        "Der Stempelabdruck enthält den Namen der ausstellenden Behörde in {lang} und Englisch.",
        "Die Übersetzung umfasst das gesamte Dokument einschließlich aller Vermerke.",
        "Die Kosten der Übersetzung werden gesondert in Rechnung gestellt.",
    ],
    "Sonstiges": [
        "Für Rückfragen stehen wir Ihnen gerne zur Verfügung.",
        "Wir bitten um eine kurze Bestätigung des Eingangs.",
        "Die betroffene Person ist über dieses Schreiben informiert.",
        "Bitte übersenden Sie Ihre Antwort möglichst per Post, da eine Übermittlung per E-Mail aus Datenschutzgründen nicht möglich ist.",
        "Eine Kopie des Mietvertrags und der Meldebescheinigung ist beigefügt.",
        "Die Leistungen werden bis zur Klärung vorläufig weiter gewährt.",
        "Über den Ausgang des Verfahrens bitten wir um Mitteilung.",
        "Die Ausländerbehörde benötigt die Information für die Verlängerung der Aufenthaltsgestattung.",
        "Die Angaben beruhen auf den uns vorliegenden Unterlagen und wurden sorgfältig geprüft.",
        "Sollten weitere Nachweise erforderlich sein, bitten wir um einen kurzen Hinweis.",
        "Wir weisen darauf hin, dass sich die persönlichen Verhältnisse zwischenzeitlich geändert haben.",
        "Ein Übergabeprotokoll und eine Übersetzung der wesentlichen Schreiben liegen bei.",
        "Die Frist zur Äußerung endet vierzehn Tage nach Zugang dieses Schreibens.",
    ],
}

# --------------------------------------------------------------------------------------
# Content: what a letter says, independent of rendering
# --------------------------------------------------------------------------------------


def make_sender(rng, kind, facts):
    """Returns dict(name, head_lines, return_line, place, kind, signer, signer_role)."""
    if kind == "person":
        p = facts["client"]
        return {"kind": kind, "name": p["name"], "place": p["city"],
                "lines": [p["name"], p["street"], "%s %s" % (p["plz"], p["city"])],
                "return_line": None, "signer": p["name"], "signer_role": None}
    if kind == "lawyer":
        a = rng.sample(GERMAN_LAST, 2)
        f1 = rng.choice(GERMAN_FIRST_F + GERMAN_FIRST_M)
        style = rng.randrange(3)
        if style == 0:
            firm = "Rechtsanwälte %s & %s" % (a[0], a[1])
        elif style == 1:
            firm = "Rechtsanwälte %s und Kollegen" % a[0]
        else:
            firm = "Kanzlei %s %s Rechtsanwälte" % (a[0], a[1])
        lawyer = "%s%s %s" % (rng.choice(("", "", "Dr. ")), f1, a[0])
        role = "Rechtsanwältin" if f1 in GERMAN_FIRST_F else "Rechtsanwalt"
        plz, city = rng.choice(CITIES)
        street = "%s %d" % (rng.choice(STREETS), rng.randint(1, 90))
        return {"kind": kind, "name": firm, "place": city,
                "lines": [firm, "%s · %s %s" % (street, plz, city),
                          "Telefon 0%d %d-%d · kanzlei@%s-recht.de" % (
                              rng.randint(800, 999), rng.randint(10000, 99999),
                              rng.randint(0, 99), a[0].lower().replace("ö", "oe")
                              .replace("ü", "ue").replace("ä", "ae").replace("ß", "ss"))],
                "return_line": "%s · %s · %s %s" % (firm, street, plz, city),
                "signer": lawyer, "signer_role": role}
    if kind == "court":
        city, street, plzcity, phone, _code = facts["court"]
        name = "Verwaltungsgericht %s" % city
        judge = "%s %s" % (rng.choice(("Dr.", "")), rng.choice(GERMAN_LAST))
        return {"kind": kind, "name": name, "place": city,
                "lines": [name, "%s · %s" % (street, plzcity),
                          "Telefon %s · poststelle@vg-%s.bayern.de" % (
                              phone, city.lower().replace("ü", "ue"))],
                "return_line": "%s · %s · %s" % (name, street, plzcity),
                "signer": judge.strip(), "signer_role": None}
    # authority / registry office / translator
    org, dept, street, plzcity, place = facts["authority"]
    clerk = "%s %s" % (rng.choice(GERMAN_FIRST_F + GERMAN_FIRST_M), rng.choice(GERMAN_LAST))
    return {"kind": kind, "name": org, "place": place,
            "lines": [org, dept, "%s · %s" % (street, plzcity)],
            "return_line": "%s · %s · %s" % (org, street, plzcity),
            "signer": clerk, "signer_role": "Im Auftrag" if kind == "authority" else None}


N_ACTORS = ["Angehörigen einer bewaffneten Miliz", "Sicherheitskräften", "Mitgliedern der örtlichen Polizei",
            "Unbekannten", "Männern des Geheimdienstes", "Kämpfern einer Rebellengruppe"]
N_EVENTS = ["festgehalten und verhört", "bedroht und geschlagen", "zur Zusammenarbeit gezwungen",
            "auf offener Straße angegriffen", "mehrere Tage festgehalten", "nach einer Kundgebung verhaftet"]
N_JOBS = ["Lehrer", "Schneider", "Fahrer", "Verkäufer", "Krankenpfleger", "Elektriker", "Bäcker"]
N_ROUTES = ["die Türkei und Griechenland", "Libyen und Italien", "den Iran und die Türkei",
            "die Balkanroute", "Serbien und Ungarn"]
N_SOURCES = ["Der Lagebericht des Auswärtigen Amtes", "Ein Bericht des UNHCR", "Die Länderinformation der EUAA",
             "Ein Gutachten von Amnesty International", "Eine Auskunft der Schweizerischen Flüchtlingshilfe"]
N_CLAIMS = ["Rückkehrer {in_country} häufig willkürlichen Kontrollen ausgesetzt sind",
            "die Sicherheitslage in der Region um {birthplace} weiterhin angespannt ist",
            "Angehörige von Oppositionellen regelmäßig unter Druck gesetzt werden",
            "die medizinische Versorgung außerhalb der großen Städte völlig unzureichend ist",
            "die Lebensmittelpreise im vergangenen Jahr um mehr als die Hälfte gestiegen sind",
            "Frauen ohne männlichen Schutz kaum Zugang zu Arbeit und Wohnraum haben"]
N_EVIDENCE = ["eine Kopie des Haftbefehls", "ein ärztliches Attest vom {d}", "eine Bescheinigung der Gemeinde",
              "mehrere Fotos der Verletzungen", "die schriftliche Erklärung eines Zeugen",
              "ein Zeitungsartikel vom {d}"]
N_ASSESS = ["nicht glaubhaft", "vage und detailarm", "in sich stimmig, aber nicht asylrelevant",
            "in zentralen Punkten gesteigert", "nachvollziehbar und widerspruchsfrei"]


def narrative(rng, voice, facts, fmt):
    """One composed sentence about the applicant's story, in the given voice:
    'ich' (applicant writes), 'mandant' (lawyer on an application), 'kl' (lawyer in court),
    'court' (reasons of a decision)."""
    p = facts["client"]
    m = p["gender"] == "m"
    st = facts.setdefault("narrative", None)
    if st is None:   # facts of the story that must stay consistent within a letter
        left = facts["entry"] - dt.timedelta(days=rng.randint(20, 120))
        st = facts["narrative"] = {
            "job": rng.choice(N_JOBS) + ("" if m else "in"), "left": left,
            "route": rng.choice(N_ROUTES), "used": set(),
            "claims": rng.sample(N_CLAIMS, len(N_CLAIMS)), "evidence": rng.sample(N_EVIDENCE, len(N_EVIDENCE))}
    before = st["left"] - dt.timedelta(days=rng.randint(10, 1200))
    d = date_num(before)
    month_year = "%s %d" % (MONTHS[before.month - 1], before.year)
    left_my = "%s %d" % (MONTHS[st["left"].month - 1], st["left"].year)
    place = rng.choice((p["origin"][2], "einem Vorort von %s" % p["origin"][2],
                        "einem Kontrollposten bei %s" % p["origin"][2]))
    job = st["job"]
    if voice == "ich":
        subj, subj_cap, poss = "ich", "Ich", "mein"
    elif voice == "mandant":
        subj, subj_cap, poss = fmt["Mandant_nom"], fmt["UnserMandant"], fmt["sein"]
    else:
        subj, subj_cap, poss = fmt["derKl"], fmt["DerKl"], fmt["sein"]
    choices = [0, 5, 0, 5] + [t for t in (1, 2) if t not in st["used"]]
    if st["claims"]:
        choices.append(3)
    if st["evidence"]:
        choices.append(4)
    if voice == "court":
        choices.append(6)
    t = rng.choice(choices)
    st["used"].add(t)
    if t == 0:
        if voice == "ich":
            return "Am %s wurde ich in %s von %s %s." % (d, place, rng.choice(N_ACTORS), rng.choice(N_EVENTS))
        if voice == "court":
            return "Dem Vortrag, %s sei am %s in %s von %s %s worden, vermag das Gericht nicht zu folgen." % (
                subj, d, place, rng.choice(N_ACTORS), rng.choice(N_EVENTS))
        return "Am %s wurde %s in %s von %s %s." % (d, subj, place, rng.choice(N_ACTORS), rng.choice(N_EVENTS))
    if t == 1:
        if voice == "ich":
            return "Bis %s lebte ich in %s und arbeitete dort als %s." % (left_my, p["origin"][2], job)
        return "Bis %s lebte %s in %s und arbeitete dort als %s." % (left_my, subj, p["origin"][2], job)
    if t == 2:
        if voice == "ich":
            return "Im %s verließ ich %s und kam über %s nach Deutschland." % (
                left_my, fmt["country_acc"], st["route"])
        return "Im %s verließ %s %s und gelangte über %s nach Deutschland." % (
            left_my, subj, fmt["country_acc"], st["route"])
    if t == 3:
        claim = st["claims"].pop().format(**fmt)
        return "%s vom %s bestätigt, dass %s." % (rng.choice(N_SOURCES), date_num(
            facts["date"] - dt.timedelta(days=rng.randint(60, 700))), claim)
    if t == 4:
        ev = st["evidence"].pop().format(d=d)
        if voice == "ich":
            return "Als Nachweis lege ich %s bei." % ev
        if voice == "court":
            return "Soweit %s %s vorgelegt hat, ergibt sich daraus keine andere Beurteilung." % (subj, ev)
        return "Zum Beweis wird %s vorgelegt." % ev
    if t == 5:
        rel = rng.choice(("Bruder", "Vater", "Onkel", "Cousin"))
        if voice == "ich":
            return "Mein %s wurde im %s von %s %s; seitdem fürchte ich um mein Leben." % (
                rel, month_year, rng.choice(N_ACTORS), rng.choice(N_EVENTS))
        return "%s %s wurde im %s von %s %s." % (poss.capitalize(), rel, month_year, rng.choice(N_ACTORS),
                                               rng.choice(N_EVENTS))
    return "Das Gericht hält die Schilderung %s zu den Ereignissen im %s für %s." % (
        fmt["desKl"], month_year, rng.choice(N_ASSESS))


def build_content(rng, doc_type, facts):
    """Returns dict with sender, subject, title blocks, body paragraphs, filler bank,
    closing block, extra reference lines and court file number."""
    p = facts["client"]
    g = facts["g"]
    fmt = dict(g)
    fmt.update({
        "name": p["name"], "dob": date_num(p["dob"]), "birthplace": p["origin"][2],
        "country": p["origin"][1], "lang": p["origin"][3],
        "country_acc": COUNTRY_FORMS.get(p["origin"][1], (p["origin"][1],))[0],
        "in_country": COUNTRY_FORMS.get(p["origin"][1], (None, "in " + p["origin"][1]))[1],
        "pass_adj": p["origin"][0] + "en", "entry": date_num(facts["entry"]),
        "bescheid": date_num(facts["bescheid"]), "zustellung": date_num(facts["zustellung"]),
        "addr": "%s, %s %s" % (p["street"], p["plz"], p["city"]),
        "r_suffix": "r" if p["gender"] == "m" else "",
    })
    c = {"court_file_number": None, "title": [], "closing": [], "extra_refs": [], "filler_heading": None,
         "salutation": "Sehr geehrte Damen und Herren,"}
    court_no = None
    voice = None   # narrative sentences for long letters (see narrative())

    def court_number(letter="K"):
        city = facts["court"]
        prefix = rng.choice(("A", "A", city[4]))
        return "%s %d %s %d/%02d" % (prefix, rng.randint(1, 19), letter,
                                     rng.randint(100, 9999), facts["date"].year % 100 -
                                     rng.randint(0, 1))

    if doc_type == "Asylantrag":
        kind = rng.choice(("person", "person", "lawyer"))
        sender = make_sender(rng, kind, facts)
        follow = facts["case_number"] is not None and rng.random() < 0.5
        if follow:
            c["subject"] = rng.choice(("Asylfolgeantrag gemäß § 71 AsylG",
                                       "Antrag auf Asyl – Folgeantrag"))
        else:
            c["subject"] = rng.choice(("Antrag auf Asyl", "Asylantrag gemäß § 13 AsylG",
                                       "Antrag auf Asyl für %s" % p["name"]))
        if kind == "person":
            body = [
                "hiermit stelle ich, {name}, geboren am {dob} in {birthplace} ({country}), {nat} Staatsangehörige{r_suffix}, "
                "einen Antrag auf Asyl in der Bundesrepublik Deutschland.",
                "Ich bin am {entry} nach Deutschland eingereist und wohne derzeit unter der Anschrift {addr}.",
                "Ich beantrage die Anerkennung als {Asylber} sowie die Zuerkennung der Flüchtlingseigenschaft, "
                "hilfsweise die Gewährung subsidiären Schutzes.",
            ]
            if follow:
                body.insert(1, "Seit dem Abschluss meines ersten Verfahrens hat sich die Lage {in_country} "
                               "grundlegend geändert; neue Beweismittel lege ich bei.")
        else:
            body = [
                "namens und in Vollmacht {Mandant} {name}, geboren am {dob} in {birthplace}, "
                "stellen wir hiermit einen Antrag auf Asyl und beantragen die Zuerkennung der "
                "Flüchtlingseigenschaft, hilfsweise die Gewährung subsidiären Schutzes.",
                "Eine auf uns lautende Vollmacht ist beigefügt. Wir bitten, Zustellungen künftig "
                "ausschließlich an unsere Kanzlei zu richten.",
            ]
        bank = BANK["Asylantrag" if kind == "person" else "Asylantrag_lawyer"]
        voice = "ich" if kind == "person" else "mandant"
        c["closing"] = ["Mit freundlichen Grüßen"]
    elif doc_type == "Ladung":
        sender = make_sender(rng, "court", facts)
        court_no = court_number("K")
        term = facts["date"] + dt.timedelta(days=rng.randint(21, 80))
        while term.weekday() > 4:
            term += dt.timedelta(days=1)
        c["subject"] = rng.choice(("Ladung zur mündlichen Verhandlung",
                                   "Verwaltungsstreitsache %s gegen Bundesrepublik Deutschland" % p["name"]))
        c["title"] = [("Ladung zur mündlichen Verhandlung", "title", "center")]
        body = [
            ("In der Verwaltungsstreitsache", None),
            ("{name}, {addr}", "indent"),
            ("– {Kl} –", "indent"),
            ("gegen", None),
            ("Bundesrepublik Deutschland, vertreten durch das Bundesamt für Migration und Flüchtlinge", "indent"),
            ("– Beklagte –", "indent"),
            ("wegen Asylrecht (Zuerkennung der Flüchtlingseigenschaft)", None),
            "werden Sie zur mündlichen Verhandlung vor dem Verwaltungsgericht %s geladen." % facts["court"][0],
            ("Termin: %s, %s, %02d:%s Uhr" % (WEEKDAYS[term.weekday()], date_de(term),
                                              rng.randint(8, 14), rng.choice(("00", "15", "30", "45"))),
             "bold"),
            ("Ort: Sitzungssaal %d.%02d, %s, %s" % (rng.randint(0, 2), rng.randint(1, 20),
                                                     facts["court"][1], facts["court"][2]), None),
        ]
        bank = BANK["Ladung"]
        c["closing"] = ["Mit freundlichen Grüßen", "Auf Anordnung des Vorsitzenden"]
        sender["signer"] = "%s %s" % (rng.choice(GERMAN_FIRST_F), rng.choice(GERMAN_LAST))
        sender["signer_role"] = "Urkundsbeamtin der Geschäftsstelle"
        c["salutation"] = None
    elif doc_type == "Gerichtsentscheidung":
        sender = make_sender(rng, "court", facts)
        urteil = rng.random() < 0.6
        court_no = court_number("K" if urteil else "L")
        c["salutation"] = None
        if urteil:
            c["subject"] = rng.choice(("Urteil vom %s" % date_num(facts["date"]),
                                       "Zustellung eines Urteils"))
            c["title"] = [("Im Namen des Volkes", "bold", "center"), ("URTEIL", "title", "center")]
            won = rng.random() < 0.35
            tenor = (["1. Der Bescheid des Bundesamts für Migration und Flüchtlinge vom {bescheid} wird in den "
                      "Ziffern 4 bis 6 aufgehoben. Die Beklagte wird verpflichtet, {demKl} subsidiären Schutz "
                      "zuzuerkennen.", "2. Die Beklagte trägt die Kosten des Verfahrens."] if won else
                     ["1. Die Klage wird abgewiesen.",
                      "2. {DerKl} trägt die Kosten des Verfahrens. Gerichtskosten werden nicht erhoben."])
            tenor.append("3. Das Urteil ist hinsichtlich der Kosten vorläufig vollstreckbar.")
            parties = [("In der Verwaltungsstreitsache", None), ("{name}, {addr}", "indent"),
                       ("– {Kl} –", "indent"), ("gegen", None),
                       ("Bundesrepublik Deutschland, vertreten durch das Bundesamt für Migration und "
                        "Flüchtlinge, Frankenstraße 210, 90461 Nürnberg", "indent"),
                       ("– Beklagte –", "indent"), ("wegen Asylrecht", None),
                       "erlässt das Verwaltungsgericht %s, %d. Kammer, durch den Einzelrichter aufgrund der "
                       "mündlichen Verhandlung vom %s folgendes" % (
                           facts["court"][0], rng.randint(1, 19),
                           date_num(facts["date"] - dt.timedelta(days=rng.randint(3, 20))))]
            body = parties + [("Urteil:", "bold")] + tenor
            c["filler_heading"] = "Tatbestand"
        else:
            for k in ("Kl", "DerKl", "derKl", "demKl", "desKl"):
                fmt[k] = g[k.replace("Kl", "Ast")]
            c["subject"] = rng.choice(("Beschluss vom %s" % date_num(facts["date"]),
                                       "Verfahren nach § 80 Abs. 5 VwGO"))
            c["title"] = [("BESCHLUSS", "title", "center")]
            body = [("In der Verwaltungsstreitsache", None), ("{name}, {addr}", "indent"),
                    ("– {Ast} –", "indent"), ("gegen", None),
                    ("Bundesrepublik Deutschland, vertreten durch das Bundesamt für Migration und "
                     "Flüchtlinge", "indent"),
                    ("– Antragsgegnerin –", "indent"),
                    ("wegen Asylrecht; hier: Antrag nach § 80 Abs. 5 VwGO", None),
                    "erlässt das Verwaltungsgericht %s ohne mündliche Verhandlung folgenden" % facts["court"][0],
                    ("Beschluss:", "bold"),
                    "1. Der Antrag auf Anordnung der aufschiebenden Wirkung der Klage wird abgelehnt.",
                    "2. {DerAst} trägt die Kosten des Verfahrens."]
            c["filler_heading"] = "Gründe"
        bank = BANK["Gerichtsentscheidung"]
        voice = "court"
        c["closing"] = []
        sender["signer_role"] = rng.choice(("Richterin am Verwaltungsgericht",
                                            "Richter am Verwaltungsgericht"))
    elif doc_type == "Schriftsatz":
        sender = make_sender(rng, "lawyer", facts)
        klage = rng.random() < 0.5
        if klage:
            c["subject"] = rng.choice(("Klageschrift", "Klage gegen den Bescheid vom %s" % date_num(facts["bescheid"])))
            c["title"] = [("Klage", "title", "center")]
            body = [("des Herrn %s, {addr}" % p["name"] if p["gender"] == "m" else
                     "der Frau %s, {addr}" % p["name"], None),
                    ("– {Kl} –", "indent"),
                    ("Prozessbevollmächtigte: %s" % sender["name"], "indent"),
                    ("gegen", None),
                    ("die Bundesrepublik Deutschland, vertreten durch das Bundesamt für Migration und "
                     "Flüchtlinge", "indent"),
                    ("– Beklagte –", "indent"),
                    "namens und in Vollmacht {desKl} erheben wir Klage gegen den Bescheid des Bundesamts "
                    "für Migration und Flüchtlinge vom {bescheid}, zugestellt am {zustellung}, und beantragen wir,",
                    "1. den Bescheid der Beklagten vom {bescheid} in den Ziffern 1 und 3 bis 6 aufzuheben,",
                    "2. die Beklagte zu verpflichten, {demKl} die Flüchtlingseigenschaft zuzuerkennen, "
                    "hilfsweise subsidiären Schutz zu gewähren, weiter hilfsweise festzustellen, dass "
                    "Abschiebungsverbote nach § 60 Abs. 5 und 7 AufenthG vorliegen.",
                    "Eine auf uns lautende Vollmacht ist beigefügt. Die Begründung der Klage bleibt einem "
                    "gesonderten Schriftsatz vorbehalten."]
            c["filler_heading"] = "Begründung"
            c["salutation"] = None
        else:
            court_no = court_number("K")
            c["subject"] = rng.choice(("Stellungnahme in der Verwaltungsstreitsache %s" % p["name"],
                                       "Schriftsatz im Verfahren %s ./. Bundesrepublik Deutschland" % p["name"]))
            body = ["in der Verwaltungsstreitsache {name} gegen die Bundesrepublik Deutschland nehmen wir "
                    "zum Schriftsatz der Beklagten wie folgt Stellung und beantragen wir weiterhin, der Klage "
                    "stattzugeben.",
                    "Eine Abschrift dieses Schriftsatzes ist für das Bundesamt beigefügt."]
        bank = BANK["Schriftsatz"]
        voice = "kl"
        c["closing"] = ["Mit freundlichen Grüßen"]
        c["extra_refs"].append("Unser Zeichen: %d/%02d %s" % (rng.randint(10, 999), facts["date"].year % 100,
                                                              sender["signer"].split()[-1][:2].upper()))
    elif doc_type == "Vollmacht":
        kind = rng.choice(("lawyer", "person"))
        firm_sender = make_sender(rng, "lawyer", facts)
        sender = firm_sender if kind == "lawyer" else make_sender(rng, "person", facts)
        c["subject"] = rng.choice(("Vollmacht", "Anzeige der Vertretung und Vollmacht",
                                   "Vollmacht für das Asylverfahren"))
        c["title"] = [("VOLLMACHT", "title", "center")]
        c["salutation"] = None
        body = [
            "Hiermit bevollmächtige ich, {name}, geboren am {dob}, wohnhaft {addr}, "
            "%s, mich in dem Asylverfahren vor dem Bundesamt für Migration und Flüchtlinge sowie in allen "
            "sich anschließenden gerichtlichen Verfahren zu vertreten." % firm_sender["name"],
            "Die Vollmacht umfasst insbesondere die Befugnis, Anträge zu stellen und zurückzunehmen, "
            "Rechtsmittel einzulegen, Akteneinsicht zu nehmen und Zustellungen entgegenzunehmen.",
        ]
        bank = BANK["Vollmacht"]
        c["closing"] = ["%s, den %s" % (p["city"], date_num(facts["date"]))]
        sender = dict(sender)
        sender["signer"] = p["name"]
        sender["signer_role"] = "(Unterschrift Vollmachtgeber)" if p["gender"] == "m" else \
            "(Unterschrift Vollmachtgeberin)"
    elif doc_type == "Personenstandsurkunde":
        kind = rng.choice(("registry", "translator"))
        facts["authority"] = rng.choice(REGISTRY_OFFICES if kind == "registry" else TRANSLATORS)
        sender = make_sender(rng, kind, facts)
        what = rng.choice(("Geburtsurkunde", "Eheurkunde", "Auszug aus dem Geburtenregister"))
        c["subject"] = "%s für %s" % (what, p["name"])
        body = ["anbei übersenden wir die angeforderte Urkunde für das oben genannte Verfahren."]
        title = what if kind == "registry" else "Beglaubigte Übersetzung – %s" % what
        body.append((title, "bold"))
        fields = [("Familienname", p["last"]), ("Vornamen", p["first"]),
                  ("Geschlecht", "männlich" if p["gender"] == "m" else "weiblich"),
                  ("Geburtstag", date_num(p["dob"])), ("Geburtsort", "%s, %s" % (p["origin"][2], p["origin"][1]))]
        if what == "Eheurkunde":
            spouse = person(rng, p["origin"], "f" if p["gender"] == "m" else "m")
            married = rand_date(rng, dt.date(2010, 1, 1), dt.date(2022, 12, 31))
            fields += [("Ehegatte", "%s, geboren am %s" % (spouse["name"], date_num(spouse["dob"]))),
                       ("Tag der Eheschließung", date_num(married))]
        else:
            fields += [("Vater", "%s %s" % (rng.choice(MALE_FIRST), p["last"])),
                       ("Mutter", "%s %s" % (rng.choice(FEMALE_FIRST), rng.choice(CLIENT_LAST)))]
        fields.append(("Registernummer", "%s %d/%d" % ("E" if what == "Eheurkunde" else "G",
                                                       rng.randint(100, 9999),
                                                       married.year if what == "Eheurkunde" else p["dob"].year)))
        body += [("%s: %s" % f, "indent") for f in fields]
        bank = BANK["Personenstandsurkunde_" + kind]
        c["closing"] = ["Mit freundlichen Grüßen"]
    else:  # Sonstiges
        variant = rng.choice(("address", "status", "authority", "jobcenter"))
        if variant == "address":
            sender = make_sender(rng, "person", facts)
            c["subject"] = rng.choice(("Mitteilung über Änderung der Anschrift", "Neue Adresse"))
            plz, city = rng.choice(CITIES)
            body = ["hiermit teile ich mit, dass ich seit dem %s unter der neuen Anschrift %s %d, %s %s wohne."
                    % (date_num(facts["date"] - dt.timedelta(days=rng.randint(3, 40))), rng.choice(STREETS),
                       rng.randint(1, 99), plz, city),
                    "Bitte senden Sie alle Schreiben in meinem Verfahren künftig an diese Adresse."]
        elif variant == "status":
            sender = make_sender(rng, "lawyer", facts)
            c["subject"] = rng.choice(("Sachstandsanfrage", "Anfrage zum Verfahrensstand"))
            body = ["in dem oben genannten Verfahren hat die Anhörung {Mandant} bereits am %s stattgefunden. "
                    "Bis heute ist keine Entscheidung ergangen." % date_num(facts["entry"] + dt.timedelta(days=60)),
                    "Wir bitten um Mitteilung des Sachstands und um Auskunft, wann mit einer Entscheidung "
                    "zu rechnen ist."]
            c["extra_refs"].append("Unser Zeichen: %d/%02d" % (rng.randint(10, 999), facts["date"].year % 100))
        elif variant == "authority":
            facts["authority"] = rng.choice(AUTHORITIES[:3])
            sender = make_sender(rng, "authority", facts)
            c["subject"] = rng.choice(("Anfrage zum Stand des Asylverfahrens von %s" % p["name"],
                                       "Übersendung von Unterlagen – %s, geb. %s" % (p["name"], date_num(p["dob"]))))
            body = ["die oben genannte Person hat bei uns einen {pass_adj} Reisepass vorgelegt. "
                    "Eine Kopie des Passes übersenden wir Ihnen zur Kenntnisnahme.",
                    "Wir bitten um Mitteilung, ob das Asylverfahren bereits abgeschlossen ist."]
        else:
            facts["authority"] = AUTHORITIES[3]
            sender = make_sender(rng, "authority", facts)
            c["subject"] = "Leistungen nach dem SGB II – %s" % p["name"]
            body = ["für die Prüfung des Leistungsanspruchs von Frau/Herrn {name} benötigen wir eine "
                    "Bestätigung über den aktuellen Aufenthaltsstatus.",
                    "Bitte teilen Sie uns mit, ob ein Bescheid über die Zuerkennung eines Schutzstatus ergangen ist."]
        bank = BANK["Sonstiges"]
        c["closing"] = ["Mit freundlichen Grüßen"]

    def fill(item):
        if isinstance(item, tuple):
            return (item[0].format(**fmt), item[1])
        return (item.format(**fmt), None)

    c["sender"] = sender
    c["body"] = [fill(b) for b in body]
    bank = list(bank)
    rng.shuffle(bank)
    # filler paragraphs of 2-4 sentences: the shuffled bank, interleaved with composed
    # narrative sentences where the document kind has a narrative voice; without one the
    # bank is recycled (short kinds are capped at two pages, see MAX_PAGES)
    fillers = []
    bi = 0
    for _ in range(40):
        sent = []
        for _k in range(rng.randint(2, 4)):
            if bi < len(bank) and (voice is None or rng.random() < 0.5):
                sent.append(bank[bi].format(**fmt))
                bi += 1
            elif voice:
                sent.append(narrative(rng, voice, facts, fmt))
            else:
                sent.append(bank[bi % len(bank)].format(**fmt))
                bi += 1
        fillers.append((" ".join(sent), None))
    c["fillers"] = fillers
    c["court_file_number"] = court_no
    return c


# --------------------------------------------------------------------------------------
# Layout: turns content into positioned draw operations per page
# --------------------------------------------------------------------------------------
class Fonts:
    def __init__(self):
        self.cache = {}
        self.paths = {}
        for fam, (reg, bold) in (EVAL_FAMILIES if STYLE["name"] == "eval" else FAMILIES).items():
            for style, fn in (("regular", reg), ("bold", bold)):
                path = None
                for d in FONT_DIRS:
                    cand = os.path.join(d, fn)
                    if os.path.exists(cand):
                        path = cand
                if path:
                    self.paths[(fam, style)] = path
        self.families = sorted({f for f, _ in self.paths if (f, "bold") in self.paths
                                and (f, "regular") in self.paths})
        if not self.families:
            raise SystemExit("generate_letters.py: no DejaVu or Liberation fonts found in %s "
                             "(apt-get install fonts-dejavu-core fonts-liberation)" % ", ".join(FONT_DIRS))

    def get(self, fam, style, size):
        key = (fam, style, size)
        if key not in self.cache:
            self.cache[key] = ImageFont.truetype(self.paths[(fam, style)], size)
        return self.cache[key]


def wrap(text, font, width):
    words = text.split(" ")
    lines, cur = [], ""
    for w in words:
        cand = w if not cur else cur + " " + w
        if font.getlength(cand) <= width or not cur:
            cur = cand
        else:
            lines.append(cur)
            cur = w
    if cur:
        lines.append(cur)
    return lines


class Layout:
    """Positions text. Each page is a list of ops; text of each page is a list of lines."""

    def __init__(self, fonts, fam):
        self.f = lambda style, size: fonts.get(fam, style, size)
        self.pages = []
        self.texts = []
        self.new_page()

    def new_page(self):
        self.pages.append([])
        self.texts.append([])
        self.y = TOP

    def text(self, x, y, s, font, record=True):
        self.pages[-1].append(("text", x, y, s, font))
        if record:
            self.texts[-1].append(s)

    def blank(self):
        self.blank_on(len(self.texts) - 1)

    def blank_on(self, i):
        if self.texts[i] and self.texts[i][-1] != "":
            self.texts[i].append("")


def layout_letter(content, facts, fonts, fam, style, body_items):
    """style: dict of layout choices drawn once per letter (so relayouts are stable)."""
    L = Layout(fonts, fam)
    body = L.f("regular", BODY_PX)
    bold = L.f("bold", BODY_PX)
    small = L.f("regular", SMALL_PX)
    head = L.f("bold", HEAD_PX)
    title_f = L.f("bold", TITLE_PX)
    lh = int(BODY_PX * 1.38)
    s = content["sender"]

    # --- letterhead / sender block ---
    y = TOP
    if s["kind"] == "person":
        for ln in s["lines"]:
            L.text(LEFT, y, ln, body)
            y += lh
    else:
        align_right = style["head_right"]
        first = True
        for ln in s["lines"]:
            f = head if first else small
            w = f.getlength(ln)
            x = RIGHT - w if align_right else LEFT
            L.text(int(x), y, ln, f)
            y += int(HEAD_PX * 1.3) if first else int(SMALL_PX * 1.35)
            first = False
        L.pages[-1].append(("rule", LEFT, y + 12, RIGHT, 3))
    L.blank()

    # --- return address line and recipient (DIN 5008 window) ---
    y = max(y + 60, int(47 * MM))
    if s["return_line"]:
        L.text(LEFT, y, s["return_line"], small)
        L.pages[-1].append(("rule", LEFT, y + SMALL_PX + 6, LEFT + int(small.getlength(s["return_line"])), 2))
        y += int(SMALL_PX * 1.6)
        L.blank()
    y = max(y, int(54 * MM))
    for ln in facts["recipient"]:
        L.text(LEFT, y, ln, body)
        y += lh
    L.blank()

    # --- date line and reference lines ---
    y = max(y + lh, int(100 * MM))
    date_line = style["date_line"]
    refs = list(style["refs"])

    def put_date(yy):
        L.text(int(RIGHT - body.getlength(date_line)), yy, date_line, body)
        L.blank()
        return yy + lh + 20

    def put_refs(yy):
        for r in refs:
            L.text(LEFT, yy, r, body)
            yy += lh
        L.blank()
        return yy + 20

    if style["refs_first"]:
        y = put_refs(y) if refs else y
        y = put_date(y)
    else:
        y = put_date(y)
        y = put_refs(y) if refs else y

    # --- subject ---
    y += 30
    subj = ("Betreff: " if style["betreff_prefix"] else "") + content["subject"]
    for ln in wrap(subj, bold, RIGHT - LEFT):
        L.text(LEFT, y, ln, bold)
        y += lh
    L.blank()
    L.y = y + 40

    # --- flowing body ---
    def ensure(h):
        if L.y + h > BODY_BOTTOM:
            L.new_page()
            if style["cont_header"]:
                L.text(LEFT, L.y, style["cont_header"], small)
                L.blank()
                L.y += int(SMALL_PX * 2)

    for kind, payload in body_items:
        if kind == "gap":
            L.y += payload
            L.blank()
            continue
        if kind == "title":
            text, fstyle, align = payload
            f = title_f if fstyle == "title" else bold
            h = int(f.size * 1.5)
            ensure(h)
            x = (PAGE_W - f.getlength(text)) / 2 if align == "center" else LEFT
            L.text(int(x), L.y, text, f)
            L.blank()
            L.y += h
            continue
        if kind == "para":
            text, mode = payload
            f = bold if mode == "bold" else body
            indent = 120 if mode == "indent" else 0
            lines = wrap(text, f, RIGHT - LEFT - indent)
            for ln in lines:
                ensure(lh)
                L.text(LEFT + indent, L.y, ln, f)
                L.y += lh
            if mode != "indent":
                L.blank()
                L.y += 24
            continue
        if kind == "sig":
            closing, signer, role = payload
            need = lh * (len(closing) + 2) + 170
            ensure(need)
            for ln in closing:
                L.text(LEFT, L.y, ln, body)
                L.y += lh
            L.pages[-1].append(("squiggle", LEFT + 20, L.y + 10, 520, 130, style["sig_seed"]))
            L.y += 170
            L.text(LEFT, L.y, signer, body)
            L.y += lh
            if role:
                L.text(LEFT, L.y, role, body)
                L.y += lh
            L.blank()
            continue
    return L


def body_item_list(content, n_fillers):
    items = []
    for t in content["title"]:
        items.append(("title", t))
    if content["title"]:
        items.append(("gap", 20))
    if content["salutation"]:
        items.append(("para", (content["salutation"], None)))
    for i, b in enumerate(content["body"]):
        items.append(("para", b))
        nxt = content["body"][i + 1] if i + 1 < len(content["body"]) else None
        if b[1] == "indent" and (nxt is None or nxt[1] != "indent"):
            items.append(("gap", 24))
    if n_fillers and content["filler_heading"]:
        items.append(("para", (content["filler_heading"], "bold")))
    for fpara in content["fillers"][:n_fillers]:
        items.append(("para", fpara))
    items.append(("gap", 20))
    items.append(("sig", (content["closing"], content["sender"]["signer"], content["sender"]["signer_role"])))
    return items


def paginate(content, facts, fonts, fam, style, target_pages):
    """Adds filler paragraphs until the letter reaches target_pages (max 3)."""
    n = 1 if target_pages == 1 else 2
    L = layout_letter(content, facts, fonts, fam, style, body_item_list(content, n))
    while len(L.pages) < target_pages and n < len(content["fillers"]):
        n += 1
        L = layout_letter(content, facts, fonts, fam, style, body_item_list(content, n))
    while len(L.pages) > max(target_pages, 1) and n > 0:
        n -= 1
        L = layout_letter(content, facts, fonts, fam, style, body_item_list(content, n))
    # fill the last page a little more (0-3 paragraphs) as long as the page count holds
    for _ in range(style["extra_fill"]):
        if n + 1 >= len(content["fillers"]):
            break
        L2 = layout_letter(content, facts, fonts, fam, style, body_item_list(content, n + 1))
        if len(L2.pages) != len(L.pages):
            break
        n, L = n + 1, L2
    # footers
    total = len(L.pages)
    if total > 1:
        foot = fonts.get(fam, "regular", FOOT_PX)
        for i in range(total):
            s = "Seite %d von %d" % (i + 1, total)
            L.pages[i].append(("text", int((PAGE_W - foot.getlength(s)) / 2), FOOTER_Y, s, foot))
            L.blank_on(i)
            L.texts[i].append(s)
    return L


# --------------------------------------------------------------------------------------
# Rendering and scan artefacts
# --------------------------------------------------------------------------------------

def draw_squiggle(draw, x, y, w, h, seed, ink):
    r = random.Random(seed)
    pts = []
    n = 28
    phase = r.uniform(0, 6.28)
    for i in range(n + 1):
        t = i / n
        px = x + t * w
        py = y + h * 0.5 + math.sin(t * r.uniform(9, 14) + phase) * h * 0.35 * (1 - 0.5 * t) \
            + r.uniform(-8, 8)
        pts.append((px, py))
    draw.line(pts, fill=ink, width=5, joint="curve")
    # underline stroke
    draw.line([(x + w * 0.1, y + h * 0.9), (x + w * 0.8, y + h * 0.8)], fill=ink, width=4)


def render_page(ops, bg, ink):
    img = Image.new("L", (PAGE_W, PAGE_H), bg)
    d = ImageDraw.Draw(img)
    for op in ops:
        if op[0] == "text":
            _, x, y, s, font = op
            d.text((x, y), s, font=font, fill=ink)
        elif op[0] == "rule":
            _, x0, y0, x1, wdt = op
            d.line([(x0, y0), (x1, y0)], fill=ink, width=wdt)
        elif op[0] == "squiggle":
            _, x, y, w, h, seed = op
            draw_squiggle(d, x, y, w, h, seed, ink)
    return img


def speckle_layer(rng, density, dark):
    """Sparse speckles (2x2 px specks, up to ~400 a page) plus a handful of larger dust
    dots, all from the letter's seeded rng. Returns an L image (255 = no speckle) or None."""
    n_specks = int(max(0.0, density) * 400)
    n_dust = rng.randint(3, 25)
    if not n_specks and not n_dust:
        return None
    half = Image.new("L", (PAGE_W // 2, PAGE_H // 2), 255)
    if n_specks:
        w, h = half.size
        pts = [(rng.randrange(w), rng.randrange(h)) for _ in range(n_specks)]
        ImageDraw.Draw(half).point(pts, fill=dark)
    layer = half.resize((PAGE_W, PAGE_H), Image.NEAREST)
    d = ImageDraw.Draw(layer)
    for _ in range(n_dust):
        x, y = rng.randrange(PAGE_W), rng.randrange(PAGE_H)
        r = rng.choice((2, 2, 3, 4, 6))
        d.ellipse([x - r, y - r, x + r, y + r], fill=rng.randint(40, 140))
    return layer


def grain(rng, size, sigma):
    """Dense gaussian-ish grain centred on 128 with standard deviation ~sigma: the mean of
    two uniform byte images (triangular distribution), rescaled. Seeded and fast
    (random.randbytes), so reruns produce identical bytes."""
    n = size[0] * size[1]
    u1 = Image.frombytes("L", size, rng.randbytes(n))
    u2 = Image.frombytes("L", size, rng.randbytes(n))
    tri = ImageChops.add(u1, u2, 2.0, 0)      # (u1 + u2) / 2, sd ~ 52
    k = sigma / 52.0
    return tri.point([max(0, min(255, int(round(128 + (v - 127.5) * k)))) for v in range(256)])


def scan(img, art, rng, bg):
    """Applies rotation, blur, dense grain and speckles as described by art."""
    if art["rotation_deg"]:
        img = img.rotate(art["rotation_deg"], resample=Image.BICUBIC, fillcolor=bg)
    if art["blur"]:
        img = img.filter(ImageFilter.GaussianBlur(art["blur"]))
    if art["noise_sigma"]:
        img = ImageChops.add(img, grain(rng, img.size, art["noise_sigma"]), 1.0, -128)
    layer = speckle_layer(rng, art["speckle"], art["speckle_dark"])
    if layer is not None:
        img = ImageChops.darker(img, layer)
    return img


def clean_levels(img, bg, levels):
    """Snaps near-background values (resampling ringing) back to the paper tone and, for
    lossless greyscale formats, reduces ink to `levels` grey steps; this halves PNG/LZW
    size (anti-aliased edges stay, just coarser) without affecting OCR."""
    lut = []
    step = 256 // levels if levels else 1
    for v in range(256):
        if v >= bg - 10:
            lut.append(bg)
        elif levels:
            lut.append(min(bg, (v // step) * step + step // 2))
        else:
            lut.append(v)
    return img.point(lut)


def to_output_mode(img, fmt, art):
    if fmt == "tiff-g4":
        thr = art["threshold"]
        return img.point([255 if v >= thr else 0 for v in range(256)], "1")
    if art["rgb"]:
        tr, tg, tb = art["tint"]
        r = img.point([int(v * tr / 255) for v in range(256)])
        g = img.point([int(v * tg / 255) for v in range(256)])
        b = img.point([int(v * tb / 255) for v in range(256)])
        return Image.merge("RGB", (r, g, b))
    return img


def save_pages(path, pages, fmt):
    first, rest = pages[0], pages[1:]
    kw = {"dpi": (DPI, DPI)}
    if fmt == "tiff-g4":
        first.save(path, format="TIFF", compression="group4", save_all=True, append_images=rest, **kw)
    elif fmt == "tiff-lzw":
        first.save(path, format="TIFF", compression="tiff_lzw", save_all=True, append_images=rest, **kw)
    elif fmt == "tiff-jpeg":
        first.save(path, format="TIFF", compression="jpeg", quality=75, save_all=True,
                   append_images=rest, **kw)
    elif fmt == "png":
        assert not rest
        first.save(path, format="PNG", compress_level=6, **kw)
    elif fmt == "jpeg":
        assert not rest
        first.save(path, format="JPEG", quality=85, **kw)
    else:
        raise ValueError(fmt)


# --------------------------------------------------------------------------------------
# Letter plan
# --------------------------------------------------------------------------------------

def make_case_pool(rng, count):
    size = max(1, int(math.ceil(count / 2.5)))
    pool, seen = [], set()
    while len(pool) < size:
        origin = rng.choice(ORIGINS)
        num = "%07d-%s" % (rng.randint(7000000, 8999999), origin[4])
        if num in seen:
            continue
        seen.add(num)
        opened = rand_date(rng, dt.date(2022, 1, 1), dt.date(2024, 10, 31))
        pool.append({"case_number": num, "opened": opened, "client": person(rng, origin)})
    return pool


# Page-count weights (1, 2, 3 pages) per format. Bilevel G4 is what production scanners
# write for long documents; greyscale pages cost 10x the bytes, so they are mostly short.
PAGE_WEIGHTS = {"tiff-g4": (35, 35, 30), "tiff-lzw": (60, 30, 10), "tiff-jpeg": (60, 30, 10),
                "png": (85, 10, 5), "jpeg": (85, 10, 5)}


def format_rotation(formats):
    """Order in which formats are handed out. When tiff-g4 is requested together with other
    formats it takes every other slot (it is the common production format); the others
    follow in the order given."""
    if "tiff-g4" in formats and len(formats) > 1:
        rot = []
        for f in formats:
            if f != "tiff-g4":
                rot += ["tiff-g4", f]
        return rot
    return list(formats)


def plan_letters(rng, formats, n):
    """Returns [(format, pages)] for n letters. Every requested format appears at least once
    when n is large enough (the first PNG and first JPEG letter are single-page); a PNG/JPEG
    letter drawn with more than one page is written as TIFF instead (MULTIPAGE_FALLBACK); at
    least one letter is a multi-page TIFF when n >= 3."""
    rot = format_rotation(formats)
    plan, seen = [], set()
    for i in range(n):
        f = rot[i % len(rot)]
        pages = rng.choices((1, 2, 3), weights=PAGE_WEIGHTS[f])[0]
        if f in MULTIPAGE_FALLBACK:
            if f not in seen:
                pages = 1
            elif pages > 1:
                f = MULTIPAGE_FALLBACK[f]
        seen.add(f)
        plan.append([f, pages])
    if n >= 3 and not any(p > 1 and f.startswith("tiff") for f, p in plan):
        tiff_idx = [i for i, (f, _) in enumerate(plan) if f.startswith("tiff")]
        i = tiff_idx[0] if tiff_idx else n - 1
        plan[i][1] = 2
        plan[i][0] = MULTIPAGE_FALLBACK.get(plan[i][0], plan[i][0])
    return [tuple(x) for x in plan]


def case_line(rng, number, sender_kind):
    a, b = number.split("-")
    if sender_kind == "court":
        choices = ["Ihr Zeichen: {n}", "Gesch.-Z.: {n}"]
    elif sender_kind == "lawyer":
        choices = ["Az.: {n}", "Aktenzeichen: {a} - {b}", "Gesch.-Z.: {n}", "Ihr Zeichen: {n}",
                   "Unser Zeichen / Ihr Az. {n}"]
    else:
        choices = ["Az.: {n}", "Aktenzeichen: {a} - {b}", "Gesch.-Z.: {n}", "Ihr Zeichen: {n}"]
    return rng.choice(choices).format(n=number, a=a, b=b)


def compose(letter_seed, pages_target, case, doc_type, fonts, plant=None):
    """Draws the letter's content and layout from its seed. Returns (rng, facts, content,
    font family, layout, printed date). plant (see plant_second_key_tests): the case number
    printed instead of the case's own, a sentence added to the body, the held-out way the
    applicant's name and date of birth are written; drawn from its own seed, so a letter
    without a plant is the same as before."""
    rng = random.Random(letter_seed)
    if case:
        client = case["client"]
        date = rand_date(rng, case["opened"] + dt.timedelta(days=20), LATEST_DATE)
    else:
        client = person(rng)
        date = rand_date(rng, dt.date(2024, 1, 2), LATEST_DATE)
    entry = date - dt.timedelta(days=rng.randint(200, 900))
    if case:
        entry = min(entry, case["opened"] - dt.timedelta(days=rng.randint(2, 30)))
    bescheid = date - dt.timedelta(days=rng.randint(10, 120))
    facts = {"client": client, "g": grammar(client), "date": date, "entry": entry,
             "bescheid": bescheid, "zustellung": bescheid + dt.timedelta(days=rng.randint(2, 6)),
             "case_number": case["case_number"] if case else None,
             "court": rng.choice(COURTS), "authority": rng.choice(AUTHORITIES),
             "recipient": rng.choice(BAMF_RECIPIENTS)}
    content = build_content(rng, doc_type, facts)
    if STYLE["name"] == "eval":
        content = reword(content)
    if plant:
        apply_plant(content, facts, plant)
    sender = content["sender"]

    # reference lines
    refs = []
    if content["court_file_number"]:
        refs.append(rng.choice(("Az.: ", "Aktenzeichen: ")) + content["court_file_number"])
        if sender["kind"] == "lawyer":
            refs[-1] = "Az. VG %s: %s" % (facts["court"][0], content["court_file_number"])
    if facts["case_number"]:
        refs.append(case_line(rng, facts["case_number"], sender["kind"]))
    if not any(r.startswith("Unser Zeichen /") for r in refs):
        refs += content["extra_refs"]
    if len(refs) > 1 and rng.random() < 0.3:
        refs = refs[::-1]
    dtext = date_text(rng, date)
    date_line = "%s, %s%s" % (sender["place"], rng.choice(("", "", "den ")), dtext)
    fam = rng.choice(fonts.families)
    cont_header = None
    if rng.random() < 0.4:
        ref0 = content["court_file_number"] or facts["case_number"]
        if ref0:
            cont_header = "%s – Az. %s" % (sender["name"], ref0)
    style = {"head_right": rng.random() < 0.5, "date_line": date_line, "refs": refs,
             "refs_first": rng.random() < 0.4, "betreff_prefix": rng.random() < 0.8,
             "cont_header": cont_header, "sig_seed": rng.randrange(1 << 30),
             "extra_fill": rng.randint(1, 3)}
    L = paginate(content, facts, fonts, fam, style, pages_target)
    return rng, facts, content, fam, L, dtext


def generate_letter(index, letter_seed, fmt, pages_target, case, doc_type, fonts, out_dir,
                    low_noise, truth_only=False, plant=None):
    # A single-image format needs a one-page letter. Some drafts (a Klageschrift, an Urteil)
    # do not fit on one page even without filler; redraw such a letter from derived seeds
    # a few times before writing it as TIFF instead.
    attempts = 8 if fmt in MULTIPAGE_FALLBACK else 1
    for attempt in range(attempts):
        seed = letter_seed + attempt * 1000003
        rng, facts, content, fam, L, dtext = compose(seed, pages_target, case, doc_type, fonts, plant)
        if len(L.pages) == 1 or fmt not in MULTIPAGE_FALLBACK:
            break
    letter_seed = seed
    if len(L.pages) > 1 and fmt in MULTIPAGE_FALLBACK:
        print("note: letter-%04d (%s) needs %d pages; written as %s instead of %s" % (
            index, doc_type, len(L.pages), MULTIPAGE_FALLBACK[fmt], fmt), file=sys.stderr)
        fmt = MULTIPAGE_FALLBACK[fmt]
    sender = content["sender"]
    date = facts["date"]

    # scan artefacts, per page
    grey_bg = rng.random() < 0.3
    bg = rng.randint(228, 244) if grey_bg else 255
    ink = rng.randint(0, 35)
    # RGB in TIFF-JPEG is stored without chroma subsampling (3x the bytes): keep it rarer
    rgb = rng.random() < {"jpeg": 0.4, "tiff-jpeg": 0.25}.get(fmt, 0.0)
    tint = (255, rng.randint(246, 253), rng.randint(232, 248)) if rgb else None
    images, arts = [], []
    for ops in L.pages:
        noisy = STYLE["name"] == "eval"   # more rotation, blur and specks than training
        rot = 0.0 if rng.random() < 0.15 else round(rng.uniform(-2.5, 2.5) if noisy else rng.uniform(-1.5, 1.5), 2)
        art = {"rotation_deg": rot,
               "blur": round(rng.uniform(0.5, 0.9) if noisy else rng.uniform(0.4, 0.75), 2)
               if rng.random() < (0.4 if noisy else 0.25) else 0,
               "speckle": rng.uniform(0.2, 0.8),
               "speckle_dark": rng.randint(60, 150),
               "noise_sigma": 0,
               "threshold": rng.randint(150, 175),
               "rgb": rgb, "tint": tint}
        if fmt in ("jpeg", "tiff-jpeg") and not low_noise and not (rgb and fmt == "tiff-jpeg"):
            # fine grain on some pages only: sigma 2 already adds ~40 % to a JPEG page
            art["noise_sigma"] = rng.choice((0, 0, 0, 2))
        if noisy:
            art["speckle"] *= 1.6
        if fmt in ("png", "tiff-lzw", "tiff-g4"):
            art["speckle"] *= 0.5    # every speck survives in bilevel/lossless output
        arts.append(art)
        if truth_only:
            continue
        page = render_page(ops, bg, ink)
        if fmt != "tiff-g4":
            page = clean_levels(page, bg, 0)   # paper tone exactly bg before noise
        page = scan(page, art, rng, bg)
        if fmt in ("png", "tiff-lzw"):
            page = clean_levels(page, bg, 8)
        images.append(to_output_mode(page, fmt, art))

    name = "letter-%04d%s" % (index, EXT[fmt])
    path = os.path.join(out_dir, name)
    if not truth_only:
        save_pages(path, images, fmt)

    truth = {
        "file": name,
        "doc_type": doc_type,
        "case_number": facts["case_number"],
        "court_file_number": content["court_file_number"],
        "letter_date": date.isoformat(),
        "letter_date_text": dtext,
        "sender": sender["name"],
        "recipient": facts["recipient"],
        "subject": content["subject"],
        "pages": len(L.pages),
        "format": fmt,
        "text": "\f".join("\n".join(t).strip("\n") for t in L.texts),
        "rotation_deg": [a["rotation_deg"] for a in arts],
        "seed": letter_seed,
        "font": fam,
        "artefacts": [{"blur_radius": a["blur"], "noise_sigma": a["noise_sigma"],
                       "background": bg, "color": "rgb" if a["rgb"] else
                       ("bilevel" if fmt == "tiff-g4" else "grey")} for a in arts],
    }
    if truth_only:   # no scan was simulated; the content is that of a full run
        del truth["rotation_deg"], truth["artefacts"]
    if plant:   # the letter's own case, not the number printed on it
        truth["case_number"] = case["case_number"] if case else None
        truth["planted"] = plant["truth"]
    with open(path + ".truth.json", "w", encoding="utf-8") as fh:
        json.dump(truth, fh, ensure_ascii=False, indent=2)
        fh.write("\n")
    return path, truth


# --------------------------------------------------------------------------------------
# Second-key test letters (--second-keys, --misreads, --misleads; bench/eval_second_key.sh)
# --------------------------------------------------------------------------------------
# Digits OCR confuses with each other: a misread that lands on another registered case
# number is what the registry's second key (surname, date of birth) must catch.
LOOKALIKE_DIGITS = {"1": "7", "7": "1", "3": "8", "8": "30", "5": "6", "6": "58", "0": "8", "9": "4", "4": "9"}


def lookalike_number(rng, number, taken):
    """number with one digit of its seven-digit part replaced by a look-alike, not in taken."""
    head, tail = number.split("-")
    for _ in range(50):
        i = rng.randrange(len(head))
        options = LOOKALIKE_DIGITS.get(head[i], "")
        if not options or i == 0:   # the first digit keeps the registry's number range
            continue
        new = head[:i] + rng.choice(options) + head[i + 1:]
        if new[0] != "0" and new + "-" + tail not in taken:
            return new + "-" + tail
    return None


def other_applicant(rng, client):
    """A person of the same origin whose surname and date of birth both differ from client's."""
    while True:
        p = person(rng, client["origin"])
        if p["last"] != client["last"] and p["dob"] != client["dob"]:
            return p


def heldout_name_forms(rng, content, client):
    """Rewrites how the applicant's name and birth date stand in the body (eval style only):
    surname in capitals, "SURNAME, First", "geb." with the date spelt out or two-digit year."""
    name, first, last = client["name"], client["first"], client["last"]
    form = rng.choice(("%s %s" % (first, last.upper()), "%s, %s" % (last.upper(), first), name))
    dob = client["dob"]
    dob_form = rng.choice(("geb. %s" % date_num(dob), "geb. %s" % date_de(dob),
                           "geb. am %d.%d.%02d" % (dob.day, dob.month, dob.year % 100)))

    def rewrite(text):
        return text.replace(name, form).replace("geboren am %s" % date_num(dob), dob_form)
    content["body"] = [(rewrite(t), style) for t, style in content["body"]]
    content["subject"] = rewrite(content["subject"])


def apply_plant(content, facts, plant):
    if plant.get("printed_case_number"):
        facts["case_number"] = plant["printed_case_number"]
    if plant.get("heldout_seed") is not None and STYLE["name"] == "eval":
        heldout_name_forms(random.Random(plant["heldout_seed"]), content, facts["client"])
    if plant.get("extra_body"):
        content["body"].append((plant["extra_body"], None))


def plant_second_key_tests(a, pool, cases):
    """The registry gains a look-alike case (another applicant) for each planted misread;
    returns one plant per letter (or None). Uses its own random stream (seeded from --seed),
    so the letters without a plant are exactly those of a run without these options."""
    rng = random.Random(a.seed * 7919 + 17)
    n = len(cases)
    plants = [None] * n
    if not (a.second_keys or a.misreads or a.misleads):
        return plants
    for i in range(n):
        plants[i] = {"truth": None, "heldout_seed": rng.randrange(1 << 30)}
    with_case = [i for i in range(n) if cases[i]]
    misread = rng.sample(with_case, min(a.misreads, len(with_case)))
    taken = {c["case_number"] for c in pool}
    for i in misread:
        case = cases[i]
        printed = lookalike_number(rng, case["case_number"], taken)
        if not printed:
            continue
        taken.add(printed)
        pool.append({"case_number": printed, "opened": case["opened"] - dt.timedelta(days=rng.randint(30, 400)),
                     "client": other_applicant(rng, case["client"])})
        plants[i]["printed_case_number"] = printed
        plants[i]["truth"] = {"kind": "misread", "printed_case_number": printed}
    rest = [i for i in with_case if i not in misread]
    for i in rng.sample(rest, min(a.misleads, len(rest))):
        other = rng.choice([c for c in pool if c["case_number"] != cases[i]["case_number"]])
        if rng.random() < 0.5:
            text = "Auf das Verfahren von %s (Az. %s) wird ergänzend Bezug genommen." % (
                other["client"]["name"], other["case_number"])
        else:
            text = "Das Parallelverfahren unter dem Aktenzeichen %s ist gesondert zu bescheiden." % (
                other["case_number"])
        plants[i]["extra_body"] = text
        plants[i]["truth"] = {"kind": "mislead", "other_case_number": other["case_number"]}
    return plants


# --------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------

def parse_args(argv):
    ap = argparse.ArgumentParser(
        description="Render synthetic German letters to the BAMF (A4, 300 dpi) with ground truth.")
    ap.add_argument("--out", required=True, help="output directory (created if missing)")
    ap.add_argument("--count", required=True, type=int, help="number of letters to write")
    ap.add_argument("--seed", required=True, type=int, help="random seed (same seed, same content)")
    ap.add_argument("--formats", default=",".join(FORMATS),
                    help="comma-separated output formats, handed out round-robin; tiff-g4 takes "
                         "every other slot when listed with others (default: %(default)s)")
    ap.add_argument("--no-case-ratio", type=float, default=0.17,
                    help="share of letters without a BAMF case number (default: %(default)s)")
    ap.add_argument("--registry", help="write the case-number pool as CSV (case_number,tenant,opened"
                                       "[,surname,birth_date])")
    ap.add_argument("--tenant", default="default", help="tenant name written to the registry (default: %(default)s)")
    ap.add_argument("--style", choices=("train", "eval"), default="train",
                    help="eval: other fonts (condensed/narrow), wording and more noise, for an "
                         "evaluation set unlike the training set (default: %(default)s)")
    ap.add_argument("--truth-only", action="store_true",
                    help="write only the .truth.json files (the same content as a full run, without "
                         "images and scan artefacts): fast, for measurements on the text such as "
                         "bench/eval_near_duplicate.sh")
    ap.add_argument("--low-noise", action="store_true",
                    help="no dense grain on JPEG outputs (smaller files)")
    ap.add_argument("--second-keys", action="store_true",
                    help="the registry gets the applicant's surname and birth_date columns; with --style "
                         "eval the letters write name and birth date in held-out forms")
    ap.add_argument("--misreads", type=int, default=0,
                    help="letters whose printed case number is a look-alike-digit misread of their case "
                         "that is registered to another applicant (truth keeps the real case)")
    ap.add_argument("--misleads", type=int, default=0,
                    help="letters that also cite another registered case number in the body")
    a = ap.parse_args(argv)
    if a.count < 1 or a.count > 9999:
        ap.error("--count must be between 1 and 9999 (got %d)" % a.count)
    fmts = [f.strip() for f in a.formats.split(",") if f.strip()]
    bad = [f for f in fmts if f not in FORMATS]
    if not fmts or bad:
        ap.error("--formats: unknown format(s) %s; choose from %s" % (
            ", ".join(bad) or "(none given)", ",".join(FORMATS)))
    a.formats = list(dict.fromkeys(fmts))
    if a.misreads < 0 or a.misleads < 0:
        ap.error("--misreads and --misleads must not be negative")
    if not (0.0 <= a.no_case_ratio <= 1.0) or math.isnan(a.no_case_ratio):
        ap.error("--no-case-ratio must be between 0 and 1 (got %s)" % a.no_case_ratio)
    if os.path.exists(a.out) and not os.path.isdir(a.out):
        ap.error("--out %s exists and is not a directory" % a.out)
    if a.registry and os.path.isdir(a.registry):
        ap.error("--registry %s is a directory" % a.registry)
    if not a.tenant.strip() or "," in a.tenant:
        ap.error("--tenant must be a non-empty name without commas")
    return a


def main(argv=None):
    a = parse_args(sys.argv[1:] if argv is None else argv)
    t0 = time.monotonic()
    try:
        os.makedirs(a.out, exist_ok=True)
    except OSError as e:
        sys.stderr.write("generate_letters.py: cannot create %s: %s\n" % (a.out, e))
        return 2
    STYLE["name"] = a.style
    fonts = Fonts()
    rng = random.Random(a.seed)
    pool = make_case_pool(rng, a.count)

    n = a.count
    plan = plan_letters(rng, a.formats, n)
    formats = [f for f, _ in plan]
    pages = [p for _, p in plan]
    no_case = set(rng.sample(range(n), int(round(n * a.no_case_ratio))))
    doc_types = [rng.choices(DOC_TYPES, weights=DOC_WEIGHTS)[0] for _ in range(n)]
    pages = [min(p, MAX_PAGES.get(d, 3)) for p, d in zip(pages, doc_types)]
    cases = [None if i in no_case else rng.choice(pool) for i in range(n)]
    seeds = [rng.randrange(1 << 31) for _ in range(n)]
    plants = plant_second_key_tests(a, pool, cases)

    total_pages, total_bytes, per_fmt, written = 0, 0, {}, set()
    for i in range(n):
        path, truth = generate_letter(i + 1, seeds[i], formats[i], pages[i], cases[i], doc_types[i],
                                      fonts, a.out, a.low_noise, a.truth_only, plants[i])
        size = 0 if a.truth_only else os.path.getsize(path)
        written.update((os.path.basename(path), os.path.basename(path) + ".truth.json"))
        total_pages += truth["pages"]
        total_bytes += size
        per_fmt[truth["format"]] = per_fmt.get(truth["format"], 0) + 1
        print("wrote %s  %-9s %d page(s)  %-21s case=%-12s %7.1f KB" % (
            path, truth["format"], truth["pages"], truth["doc_type"], truth["case_number"] or "-",
            size / 1024.0), flush=True)

    stale = sorted(f for f in os.listdir(a.out) if f.startswith("letter-") and f not in written)
    if stale:
        print("warning: %s holds %d letter file(s) not written by this run (e.g. %s); "
              "remove them if they are left from an earlier run" % (a.out, len(stale), stale[0]),
              file=sys.stderr)

    if a.registry:
        reg_dir = os.path.dirname(os.path.abspath(a.registry))
        os.makedirs(reg_dir, exist_ok=True)
        with open(a.registry, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            keys = ["surname", "birth_date"] if a.second_keys else []
            w.writerow(["case_number", "tenant", "opened"] + keys)
            for c in sorted(pool, key=lambda c: c["case_number"]):
                row = [c["case_number"], a.tenant, c["opened"].isoformat()]
                if keys:
                    row += [c["client"]["last"], c["client"]["dob"].isoformat()]
                w.writerow(row)
        print("wrote %s  (%d case numbers)" % (a.registry, len(pool)))

    print("summary: %d letters, %d pages, %.1f KB, %d without case number, formats %s, %.1f s" % (
        n, total_pages, total_bytes / 1024.0, len(no_case),
        ", ".join("%s=%d" % kv for kv in sorted(per_fmt.items())), time.monotonic() - t0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
