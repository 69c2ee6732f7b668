"""Phrase material for demo projects: plans per field of action, funding, milestones, news.

`themes` name the demo ideas (titles in `content.IDEAS`) a plan grows from. The list
is ordered so that any first three plans hold one Leitprojekt, and the first six
cover every field of action.
"""

from dataclasses import dataclass

KREIS = "Kreis Steinfurt"
DIGITAL = f"Stabsstelle Digitalisierung, {KREIS}"


@dataclass(frozen=True)
class PlanText:
    field: str
    title: str
    where: str  # "Wo"; {in_ort} becomes "im ganzen Kreis" or "in Rheine und Greven"
    summary: str
    what: str
    themes: tuple[str, ...]
    lead: str
    partners: str
    is_lead: bool = False
    also_fields: tuple[str, ...] = ()


PLANS = [
    PlanText(
        field="verwaltung",
        title="Digitale Bürgerdienste aus einer Hand",
        where="Serviceportal und Bürgerbüros {in_ort}",
        summary=(
            "Ein gemeinsames Servicekonto für Kreis, Städte und Gemeinden: Anträge "
            "online stellen, Nachweise einmal hochladen und den Stand jederzeit sehen."
        ),
        what=(
            "Die Kommunen im Kreis nutzen ein gemeinsames Serviceportal. Die zwanzig "
            "meistgefragten Leistungen – vom Bauantrag bis zur Kfz-Zulassung – werden "
            "vollständig digital angeboten, mit Statusanzeige und Rückfragen im Portal."
        ),
        themes=(
            "Ein Konto für alle Verwaltungsleistungen",
            "Bauantrag komplett online stellen",
            "Kfz-Zulassung ohne Wartenummer",
        ),
        lead=DIGITAL,
        partners=(
            "Städte und Gemeinden im Kreis Steinfurt, kommunaler IT-Dienstleister, "
            "Datenschutzbeauftragte des Kreises"
        ),
        is_lead=True,
    ),
    PlanText(
        field="mobilitaet",
        title="Radnetz digital: Mängelmelder und sichere Wege",
        where="Radwege {in_ort}",
        summary=(
            "Schäden und Gefahrenstellen auf Radwegen per Foto melden – und die "
            "Meldungen für die Planung neuer Verbindungen zwischen den Ortsteilen nutzen."
        ),
        what=(
            "Ein Meldedienst für Radwege mit Karte, Foto und Rückmeldung an die "
            "Meldenden. Die gesammelten Daten fließen in das kreisweite Radverkehrskonzept."
        ),
        themes=("Radwege-Schäden per Foto melden", "Sichere Radwege zwischen den Ortsteilen"),
        lead=f"Fachdienst Straßenbau und Verkehr, {KREIS}",
        partners="Bauhöfe der Kommunen, ADFC-Ortsgruppen, Polizei (Verkehrsunfallkommission)",
    ),
    PlanText(
        field="demografie",
        title="Kita-Navigator: Betreuungsplätze online anmelden",
        where="Kitas und Kindertagespflege {in_ort}",
        summary=(
            "Eltern melden ihr Kind an einer Stelle für mehrere Kitas an und sehen, "
            "wie es um ihren Platz steht."
        ),
        what=(
            "Eine gemeinsame Anmeldung für Kitas und Kindertagespflege mit Wartelisten, "
            "die Jugendämter und Träger in Echtzeit abgleichen."
        ),
        themes=("Kita-Platz digital anmelden",),
        lead=f"Jugendamt, {KREIS}",
        partners="Kita-Träger, Jugendämter der Städte, Elternbeiräte",
    ),
    PlanText(
        field="klimaschutz-nachhaltigkeit",
        title="Energiemonitoring für öffentliche Gebäude",
        where="Schulen, Rathäuser und Sporthallen {in_ort}",
        summary=(
            "Zähler in Schulen, Rathäusern und Sporthallen zeigen den Verbrauch an "
            "Strom und Wärme – für alle sichtbar auf einem Klima-Dashboard."
        ),
        what=(
            "Smarte Zähler in kreiseigenen und kommunalen Gebäuden, ein offenes "
            "Dashboard mit dem Stand der Klimaziele und Energiesparpläne je Gebäude."
        ),
        themes=(
            "Energieverbrauch öffentlicher Gebäude live zeigen",
            "Klima-Dashboard für den Kreis",
        ),
        lead=f"Klimaschutzmanagement, {KREIS}",
        partners="Gebäudemanagement der Kommunen, Schulträger, Energieagentur",
        is_lead=True,
        also_fields=("verwaltung",),
    ),
    PlanText(
        field="bevoelkerungsschutz-gesundheit",
        title="Telemedizin in der hausärztlichen Versorgung",
        where="Hausarztpraxen {in_ort}",
        summary=(
            "Videosprechstunden mit Fachärztinnen und Fachärzten direkt aus der "
            "Hausarztpraxis – weniger lange Fahrten für Patientinnen und Patienten."
        ),
        what=(
            "Ausstattung von Hausarztpraxen mit Telemedizin-Arbeitsplätzen und "
            "Begleitung durch geschulte Praxisassistenz."
        ),
        themes=("Telemedizin in der Hausarztpraxis",),
        lead=f"Gesundheitsamt, {KREIS}",
        partners="Hausarztpraxen, Krankenhäuser der Region, Kassenärztliche Vereinigung",
    ),
    PlanText(
        field="infrastruktur-standort",
        title="Freies WLAN in Ortskernen und Büchereien",
        where="Marktplätze, Büchereien und Bürgerhäuser {in_ort}",
        summary="Offenes, kostenloses WLAN auf Marktplätzen, in Büchereien und Bürgerhäusern.",
        what=(
            "Zugangspunkte an zentralen Orten, ein gemeinsamer Netzname im ganzen "
            "Kreis und eine einfache Anmeldung ohne Registrierung."
        ),
        themes=("Kostenloses WLAN in den Ortskernen",),
        lead=f"Wirtschaftsförderung, {KREIS}",
        partners="Städte und Gemeinden, Stadtwerke, Freifunk-Initiativen",
    ),
    PlanText(
        field="mobilitaet",
        title="Smarte Mobilitätsplattform Münsterland",
        where="Bus- und Bürgerbuslinien {in_ort}",
        summary=(
            "Bus, Bürgerbus, Rufbus und Mitfahrbänke in einer App: Verbindungen "
            "in Echtzeit sehen und Fahrten direkt buchen."
        ),
        what=(
            "Eine Plattform, die Fahrpläne in Echtzeit, On-Demand-Verkehre und "
            "Mitfahrangebote bündelt, mit Anzeigen an wichtigen Haltestellen und "
            "telefonischer Buchung für Menschen ohne Smartphone."
        ),
        themes=(
            "Bürgerbus per App rufen",
            "Echtzeit-Anzeigen an Bushaltestellen",
            "Mitfahrbänke mit digitaler Anzeige",
        ),
        lead=f"Fachdienst Mobilität, {KREIS}",
        partners="Verkehrsunternehmen im Münsterland, Bürgerbusvereine, Nachbarkreise",
        is_lead=True,
    ),
    PlanText(
        field="verwaltung",
        title="Online-Terminvergabe für alle Bürgerbüros",
        where="Bürgerbüros {in_ort}",
        summary=(
            "Termine in jedem Bürgerbüro des Kreises online, per Telefon oder "
            "Videosprechstunde buchen."
        ),
        what=(
            "Ein gemeinsames Terminsystem für Bürgerbüros und Fachämter mit "
            "Erinnerung per SMS oder E-Mail und Videoterminen für einfache Anliegen."
        ),
        themes=(
            "Termine im Bürgerbüro per App buchen",
            "Digitale Sprechstunde mit dem Ordnungsamt",
        ),
        lead=DIGITAL,
        partners="Bürgerbüros der Städte und Gemeinden, kommunaler IT-Dienstleister",
    ),
    PlanText(
        field="klimaschutz-nachhaltigkeit",
        title="Solardachkataster Kreis Steinfurt",
        where="Online, für alle Dächer {in_ort}",
        summary=(
            "Eine Karte zeigt für jedes Dach, wie viel Solarstrom dort möglich ist "
            "und was eine Anlage kosten würde."
        ),
        what=(
            "Ein Online-Kataster auf Basis von Laserscan-Daten mit Ertragsrechner "
            "und Hinweisen auf Beratung und Förderung."
        ),
        themes=("Solarkataster für jedes Dach",),
        lead=f"Klimaschutzmanagement, {KREIS}",
        partners="Energieberatung der Verbraucherzentrale, Handwerkskammer, Kommunen",
    ),
    PlanText(
        field="bevoelkerungsschutz-gesundheit",
        title="Kreisweites Warn- und Informationssystem",
        where="Sirenen, Warn-App und Anzeigetafeln {in_ort}",
        summary=(
            "Ortsgenaue Warnungen bei Unwetter, Hochwasser oder Stromausfall – per "
            "App, Sirene, Radio und Anzeigetafel."
        ),
        what=(
            "Anbindung aller Kommunen an die Warn-Infrastruktur, verständliche "
            "Hinweise in mehreren Sprachen und aktuelle Pegelstände online."
        ),
        themes=("Warn-App mit lokalen Hinweisen", "Hochwasser-Pegel online verfolgen"),
        lead=f"Amt für Bevölkerungsschutz, {KREIS}",
        partners="Feuerwehren der Kommunen, Hilfsorganisationen, Wasserverbände",
        is_lead=True,
    ),
    PlanText(
        field="demografie",
        title="Pflegeplatzbörse Kreis Steinfurt",
        where="Pflegeeinrichtungen {in_ort}",
        summary=(
            "Freie Plätze in Pflege, Kurzzeit- und Tagespflege tagesaktuell auf "
            "einen Blick – für Angehörige und Sozialdienste."
        ),
        what=(
            "Pflegeeinrichtungen melden freie Plätze in einem einfachen Portal; "
            "die Pflegeberatung des Kreises unterstützt bei der Suche."
        ),
        themes=("Pflegeplätze online finden",),
        lead=f"Pflegeberatung, {KREIS}",
        partners="Pflegeeinrichtungen, Sozialdienste der Krankenhäuser, Seniorenbeiräte",
    ),
    PlanText(
        field="infrastruktur-standort",
        title="Digitaler Marktplatz für den lokalen Handel",
        where="Innenstädte und Ortskerne {in_ort}",
        summary="Geschäfte aus dem Ort verkaufen gemeinsam online und liefern am selben Tag.",
        what=(
            "Eine gemeinsame Plattform für Händlerinnen und Händler mit Schulungen, "
            "Lieferdienst per Lastenrad und Abholstationen."
        ),
        themes=("Digitaler Marktplatz für lokale Geschäfte", "Leerstandsbörse für Ladenlokale"),
        lead="Wirtschaftsförderungsgesellschaft für den Kreis Steinfurt",
        partners="Werbegemeinschaften, Einzelhandelsverband, Stadtmarketing",
    ),
    PlanText(
        field="infrastruktur-standort",
        title="Gigabit-Kreis: Glasfaser für alle Ortsteile",
        where="Unterversorgte Ortsteile und Außenbereiche {in_ort}",
        summary=(
            "Schnelles Internet bis in jeden Ortsteil und jeden Außenbereich – mit "
            "einer Karte, die den Stand des Ausbaus zeigt."
        ),
        what=(
            "Geförderter Glasfaserausbau in unterversorgten Gebieten, eine "
            "Funkloch-Meldekarte und ein öffentlicher Ausbau-Monitor."
        ),
        themes=("Glasfaser bis in jeden Ortsteil", "Funklöcher melden und schließen"),
        lead=f"Breitbandkoordination, {KREIS}",
        partners="Telekommunikationsunternehmen, Städte und Gemeinden, Landwirtschaftsverband",
        is_lead=True,
    ),
    PlanText(
        field="mobilitaet",
        title="Ladeinfrastruktur-Karte für E-Autos und E-Bikes",
        where="Öffentliche Ladepunkte {in_ort}",
        summary="Alle Ladesäulen im Kreis auf einer Karte, mit freien Plätzen in Echtzeit.",
        what=(
            "Eine offene Karte der Ladepunkte, gespeist aus den Daten der Betreiber, "
            "und eine Planung für Lücken im Netz."
        ),
        themes=("Freie Ladesäulen auf einen Blick",),
        lead=f"Fachdienst Mobilität, {KREIS}",
        partners="Stadtwerke, Betreiber von Ladesäulen, Fahrradhandel",
    ),
    PlanText(
        field="verwaltung",
        title="Verwaltung in Leichter Sprache",
        where="Online-Formulare der Verwaltungen {in_ort}",
        summary=(
            "Die wichtigsten Online-Formulare und Bescheide bekommen eine Fassung "
            "in Leichter Sprache."
        ),
        what=(
            "Übersetzung und Prüfung der meistgenutzten Formulare mit Prüfgruppen "
            "aus der Lebenshilfe und eine Schreibwerkstatt für Mitarbeitende."
        ),
        themes=("Formulare in Leichter Sprache",),
        lead=DIGITAL,
        partners="Lebenshilfe, Behindertenbeiräte, Fachämter der Kommunen",
    ),
    PlanText(
        field="demografie",
        title="Digital-Lotsen: Hilfe für den Einstieg ins Digitale",
        where="Büchereien und Treffpunkte {in_ort}",
        summary=(
            "Ehrenamtliche Lotsinnen und Lotsen helfen in jeder Kommune beim Umgang "
            "mit Smartphone, Tablet und Online-Diensten."
        ),
        what=(
            "Ausbildung von Digital-Lotsen, feste Sprechstunden in Büchereien und "
            "Treffpunkten und Leihgeräte zum Ausprobieren."
        ),
        themes=(
            "Digitale Sprechstunde für Seniorinnen und Senioren",
            "Ehrenamtsbörse für den ganzen Kreis",
        ),
        lead=f"Seniorenbüro, {KREIS}",
        partners="Seniorenbeiräte, Volkshochschulen, Büchereien, Ehrenamtsagenturen",
        is_lead=True,
    ),
    PlanText(
        field="klimaschutz-nachhaltigkeit",
        title="Smarte Baumbewässerung mit Bodenfeuchtesensoren",
        where="Straßenbäume {in_ort}",
        summary="Sensoren melden, welche Straßenbäume im Sommer wirklich Wasser brauchen.",
        what=(
            "Bodenfeuchtesensoren an ausgewählten Bäumen, ein LoRaWAN-Funknetz und "
            "eine Tourenplanung für die Bauhöfe."
        ),
        themes=("Sensoren für Bodenfeuchte in Stadtbäumen",),
        lead=f"Umweltamt, {KREIS}",
        partners="Bauhöfe der Kommunen, Stadtwerke, Naturschutzverbände",
    ),
    PlanText(
        field="bevoelkerungsschutz-gesundheit",
        title="Pegelmessnetz für Bäche und Flüsse",
        where="Bäche und Flüsse {in_ort}",
        summary="Neue Messstellen zeigen die Wasserstände im Kreis online und warnen früh.",
        what=(
            "Messstellen an kleinen Gewässern, eine öffentliche Pegelkarte und "
            "Schwellenwerte, die Warnungen auslösen."
        ),
        themes=("Hochwasser-Pegel online verfolgen",),
        lead=f"Amt für Bevölkerungsschutz, {KREIS}",
        partners="Wasserverbände, Deutscher Wetterdienst, Feuerwehren",
        also_fields=("klimaschutz-nachhaltigkeit",),
    ),
    PlanText(
        field="bevoelkerungsschutz-gesundheit",
        title="Mobile Retter: Ersthelfende per App alarmieren",
        where="Leitstelle und Einsatzgebiet {in_ort}",
        summary=(
            "Geschulte Ersthelfende in der Nähe werden bei einem Herzstillstand "
            "alarmiert – und finden den nächsten Defibrillator auf der Karte."
        ),
        what=(
            "Anbindung der Leitstelle an eine Ersthelfer-App, ein Kataster aller "
            "öffentlich zugänglichen Defibrillatoren und Schulungen in Vereinen."
        ),
        themes=("Ersthelfende per App alarmieren", "Defibrillatoren auf einer Karte"),
        lead=f"Rettungsdienst und Leitstelle, {KREIS}",
        partners="Hilfsorganisationen, Sportvereine, Krankenhäuser",
        is_lead=True,
    ),
    PlanText(
        field="demografie",
        title="Ehrenamtsportal Kreis Steinfurt",
        where="Vereine und Initiativen {in_ort}",
        summary="Vereine finden Helfende, Menschen finden Aufgaben – kreisweit an einem Ort.",
        what=(
            "Ein Portal für Ehrenamtsangebote mit Suche nach Ort und Zeit, "
            "Vereinsprofilen und Einsatzplanung für kurze Aktionen."
        ),
        themes=("Ehrenamtsbörse für den ganzen Kreis",),
        lead=f"Ehrenamtsbüro, {KREIS}",
        partners="Vereine und Verbände, Freiwilligenagenturen, Kirchengemeinden",
    ),
    PlanText(
        field="mobilitaet",
        title="Smartes Parken an Bahnhöfen",
        where="Park-and-Ride-Plätze an Bahnhöfen {in_ort}",
        summary="Sensoren zeigen freie Pendlerparkplätze an Bahnhöfen schon vor der Abfahrt.",
        what="Parksensoren an Park-and-Ride-Plätzen und eine Anzeige in der Mobilitäts-App.",
        themes=("Parkplätze am Bahnhof digital anzeigen",),
        lead=f"Fachdienst Mobilität, {KREIS}",
        partners="Städte mit Bahnhof, Deutsche Bahn (Station und Service), Stadtwerke",
    ),
    PlanText(
        field="infrastruktur-standort",
        title="Coworking auf dem Land",
        where="Leerstehende Läden und Höfe {in_ort}",
        summary=(
            "Arbeitsplätze in leerstehenden Läden und Höfen – damit Pendeln "
            "seltener nötig ist und Ortskerne leben."
        ),
        what=(
            "Aufbau eines Netzes kleiner Coworking-Räume mit gemeinsamer Buchung, "
            "vermittelt über eine Leerstandsbörse für Ladenlokale."
        ),
        themes=("Coworking-Räume im ländlichen Raum", "Leerstandsbörse für Ladenlokale"),
        lead="Wirtschaftsförderungsgesellschaft für den Kreis Steinfurt",
        partners="Städte und Gemeinden, Eigentümerinnen und Eigentümer, Gründungsnetzwerke",
        is_lead=True,
        also_fields=("demografie",),
    ),
    PlanText(
        field="klimaschutz-nachhaltigkeit",
        title="Teilen statt kaufen: Leihplattform für Nachbarschaften",
        where="Büchereien und Dorfläden {in_ort}",
        summary="Werkzeug, Lastenrad und Partyzelt im Ort leihen statt neu kaufen.",
        what="Eine Leihplattform mit Abholstationen in Büchereien und Dorfläden.",
        themes=("Digitale Tauschbörse für Werkzeug und Geräte",),
        lead=f"Klimaschutzmanagement, {KREIS}",
        partners="Büchereien, Repair-Cafés, Dorfläden",
    ),
    PlanText(
        field="klimaschutz-nachhaltigkeit",
        title="Abfall-App mit Erinnerungsdienst",
        where="Alle Haushalte {in_ort}",
        summary=(
            "Der Abfuhrkalender erinnert am Vorabend an die richtige Tonne und "
            "erklärt, was wohin gehört."
        ),
        what=(
            "Eine App und ein Telefondienst mit Abfuhrterminen, Sortierhilfe und "
            "Terminen für den Sperrmüll."
        ),
        themes=("Abfuhrkalender mit Erinnerung",),
        lead=f"Abfallwirtschaft, {KREIS}",
        partners="Entsorgungsbetriebe, Kommunen",
    ),
    PlanText(
        field="verwaltung",
        title="Offene Daten Kreis Steinfurt",
        where="Online-Portal mit offenen Daten {in_ort}",
        summary=(
            "Haushalt, Baustellen, Ratsbeschlüsse und Umweltdaten als offene Daten – "
            "frei nutzbar für alle."
        ),
        what=(
            "Ein Open-Data-Portal für Kreis und Kommunen, Datenstandards für die "
            "Fachämter und ein jährlicher Ideenwettbewerb für Anwendungen."
        ),
        themes=("Offene Daten aus der Verwaltung veröffentlichen",),
        lead=DIGITAL,
        partners="Kommunen, Hochschulen der Region, Open-Data-Initiativen",
        is_lead=True,
    ),
    PlanText(
        field="demografie",
        title="Willkommen im Kreis: Portal für Zugezogene",
        where="Online und in den Rathäusern {in_ort}",
        summary="Kita, Schule, Ärztinnen, Vereine: alles Wichtige für Neubürgerinnen und -bürger.",
        what=(
            "Ein mehrsprachiges Willkommensportal, gepflegt von den Kommunen, mit "
            "Checklisten für den Umzug und Kontakten vor Ort."
        ),
        themes=("Willkommensportal für Zugezogene",),
        lead=f"Kommunales Integrationszentrum, {KREIS}",
        partners="Städte und Gemeinden, Arbeitgeber der Region, Vereine",
    ),
    PlanText(
        field="demografie",
        title="Jugend macht mit: Beteiligung per App",
        where="Jugendzentren und Schulen {in_ort}",
        summary="Jugendliche reden mit, wenn es um Treffpunkte, Busse und Freizeit geht.",
        what="Eine Beteiligungs-App mit Abstimmungen und Treffen mit Jugendparlamenten.",
        themes=("Jugendbeteiligung per App",),
        lead=f"Kreisjugendamt, {KREIS}",
        partners="Jugendparlamente, Schulen, Jugendzentren",
    ),
]

IN_DISTRICT = "im ganzen Kreis"
FROM_DISTRICT = "den Städten und Gemeinden des Kreises"

# Public money a project of each field can draw on, besides the district's budget.
PROGRAMMES = {
    "verwaltung": ["Landesförderung NRW (Digitalisierung der Verwaltung)"],
    "klimaschutz-nachhaltigkeit": [
        "Nationale Klimaschutzinitiative",
        "Landesförderung NRW (progres.nrw)",
    ],
    "demografie": ["Landesförderung NRW (Quartiersentwicklung)", "LEADER-Region"],
    "mobilitaet": ["Landesförderung NRW (ÖPNV-Digitalisierung)"],
    "bevoelkerungsschutz-gesundheit": ["Landesförderung NRW (Bevölkerungsschutz)"],
    "infrastruktur-standort": ["Bundesförderprogramm Gigabit", "LEADER-Region"],
}
SMART_CITIES = "Smart Cities – Made in Germany"
REACT_EU = "REACT-EU"
OWN_BUDGET = f"Haushalt {KREIS}"
TOWN_BUDGETS = "Eigenanteile der beteiligten Kommunen"

MILESTONES = [
    "Bedarfe mit den Kommunen abgestimmt",
    "Förderantrag eingereicht",
    "Konzept vom Lenkungsausschuss beschlossen",
    "Ausschreibung und Vergabe",
    "Pilotbetrieb gestartet",
    "Auswertung der Pilotphase",
    "Einführung im ganzen Projektgebiet",
    "Abschlussbericht vorgelegt",
]

# News in the order a project makes it: (title, Markdown body); {ort} is the project's place.
UPDATES_EARLY = [
    (
        "Auftakt mit den Kommunen",
        "Beim Auftakttreffen haben Fachleute aus {ort} gemeinsam die wichtigsten "
        "Anforderungen gesammelt.\n\n"
        "Als Nächstes schreiben wir das Konzept und stimmen es mit dem Lenkungsausschuss ab.",
    ),
    (
        "Förderantrag gestellt",
        "Wir haben den Förderantrag eingereicht. Mit einer Entscheidung rechnen wir in "
        "einigen Monaten; bis dahin bereiten wir die Ausschreibung vor.",
    ),
]
UPDATES_MIDDLE = [
    (
        "Förderbescheid ist da",
        "Gute Nachricht: Die Förderung ist **bewilligt**. Damit ist die Finanzierung "
        "für die nächsten Schritte gesichert.",
    ),
    (
        "Pilotphase gestartet",
        "Seit dieser Woche läuft der Pilotbetrieb in {ort}. Ihre Rückmeldungen helfen "
        "uns, das Angebot zu verbessern – schreiben Sie uns gern über die Ideen-Seite.",
    ),
    (
        "Zwischenstand aus dem Projekt",
        "Die Technik ist ausgewählt, die ersten Mitarbeitenden sind geschult.\n\n"
        "- Testbetrieb mit ausgewählten Nutzerinnen und Nutzern\n"
        "- Barrierefreiheit geprüft\n"
        "- Datenschutzkonzept abgestimmt",
    ),
]
FUNDING_GRANTED = {"Förderbescheid ist da"}
UPDATES_CLOSING = {
    "completed": (
        "Projekt abgeschlossen",
        "Das Projekt ist abgeschlossen und das Angebot steht allen in {ort} zur "
        "Verfügung. Vielen Dank an alle, die Ideen und Rückmeldungen beigetragen haben!",
    ),
    "paused": (
        "Projekt vorerst pausiert",
        "Wir pausieren das Projekt, bis über die Förderung entschieden ist. Sobald es "
        "weitergeht, berichten wir hier.",
    ),
    "stopped": (
        "Projekt wird nicht fortgesetzt",
        "Die Förderung wurde nicht bewilligt, und die Kosten lassen sich aus dem "
        "Haushalt allein nicht tragen. Die Erfahrungen aus dem Projekt fließen in "
        "andere Vorhaben ein.",
    ),
}

INTERNAL_NOTES = [
    "Förderaufruf endet im Frühjahr – Antrag rechtzeitig vorbereiten.",
    "Abstimmung mit der Datenschutzbeauftragten steht noch aus.",
    "Zwei Kommunen haben Interesse an einer Beteiligung signalisiert.",
    "Folgekosten für den Betrieb im nächsten Haushalt einplanen.",
    "Ausschreibung nach UVgO, Wertgrenzen prüfen.",
    "Personalstelle ist besetzt, Einarbeitung läuft.",
    "",
]

TEAM_ANSWERS = [
    "Vielen Dank für Ihre Idee. Die meisten Kommunen bieten das inzwischen selbst an; "
    "ein zusätzliches Angebot des Kreises wäre doppelt.",
    "Der Kreis ist hierfür nicht zuständig. Wir haben Ihre Anregung an die zuständige "
    "Stelle weitergegeben.",
    "Ein ähnliches Vorhaben fördert das Land NRW bereits landesweit. Wir warten dessen "
    "Ergebnisse ab, statt eine eigene Lösung zu bauen.",
    "Die laufenden Kosten stünden derzeit in keinem Verhältnis zum Nutzen. Wir prüfen "
    "das Thema erneut, wenn es ein passendes Förderprogramm gibt.",
    "Aus Gründen des Datenschutzes lässt sich die Idee in dieser Form nicht umsetzen.",
]
