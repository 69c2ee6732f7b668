"""Phrase material for demo ideas, per field of action (by slug)."""

IDEAS = {
    "verwaltung": [
        (
            "Bauantrag komplett online stellen",
            "Heute muss man für einen Bauantrag noch Papier einreichen und mehrmals ins Rathaus. Ein Online-Verfahren mit Statusanzeige würde Wege und Wartezeit sparen.",
        ),
        (
            "Termine im Bürgerbüro per App buchen",
            "Oft steht man im Bürgerbüro lange an. Eine einfache Terminbuchung, auch für ältere Menschen am Telefon, würde helfen.",
        ),
        (
            "Ein Konto für alle Verwaltungsleistungen",
            "Für jede Leistung braucht man ein eigenes Formular. Ein gemeinsames Servicekonto für Kreis und Kommunen wäre viel einfacher.",
        ),
        (
            "Digitale Sprechstunde mit dem Ordnungsamt",
            "Viele Fragen ließen sich per Video klären, ohne dass man sich freinehmen muss.",
        ),
        (
            "Formulare in Leichter Sprache",
            "Behördenformulare sind schwer verständlich. Alle Online-Formulare sollten eine Fassung in Leichter Sprache bekommen.",
        ),
        (
            "Offene Daten aus der Verwaltung veröffentlichen",
            "Haushaltszahlen, Baustellen und Ratsbeschlüsse als offene Daten würden Transparenz schaffen und neue Anwendungen ermöglichen.",
        ),
        (
            "Kfz-Zulassung ohne Wartenummer",
            "Die Zulassungsstelle sollte alle Schritte online anbieten, damit Autohäuser und Privatleute nicht mehr warten müssen.",
        ),
    ],
    "klimaschutz-nachhaltigkeit": [
        (
            "Solarkataster für jedes Dach",
            "Eine Karte, die zeigt, wie gut sich das eigene Dach für Photovoltaik eignet, würde viele zum Einstieg bewegen.",
        ),
        (
            "Energieverbrauch öffentlicher Gebäude live zeigen",
            "Schulen und Rathäuser könnten ihren Strom- und Wärmeverbrauch öffentlich anzeigen. Das motiviert zum Sparen.",
        ),
        (
            "Digitale Tauschbörse für Werkzeug und Geräte",
            "Nicht jeder Haushalt braucht eine eigene Bohrmaschine. Eine Plattform zum Verleihen im Ort spart Geld und Ressourcen.",
        ),
        (
            "Sensoren für Bodenfeuchte in Stadtbäumen",
            "Mit einfachen Sensoren wüsste der Bauhof, welche Bäume im Sommer wirklich Wasser brauchen.",
        ),
        (
            "Abfuhrkalender mit Erinnerung",
            "Eine Erinnerung am Vorabend, welche Tonne dran ist, würde vergessene Tonnen und Fehlwürfe verringern.",
        ),
        (
            "Klima-Dashboard für den Kreis",
            "Ein übersichtliches Dashboard mit den Klimazielen und dem aktuellen Stand würde zeigen, wo wir stehen.",
        ),
    ],
    "demografie": [
        (
            "Digitale Sprechstunde für Seniorinnen und Senioren",
            "Ehrenamtliche könnten älteren Menschen regelmäßig beim Umgang mit Smartphone und Online-Diensten helfen.",
        ),
        (
            "Ehrenamtsbörse für den ganzen Kreis",
            "Vereine suchen Helfende, Menschen suchen Aufgaben. Eine gemeinsame Börse bringt beide zusammen.",
        ),
        (
            "Pflegeplätze online finden",
            "Angehörige telefonieren oft tagelang herum. Eine aktuelle Übersicht freier Pflege- und Kurzzeitpflegeplätze wäre eine große Hilfe.",
        ),
        (
            "Willkommensportal für Zugezogene",
            "Wer neu in den Kreis zieht, findet alle wichtigen Informationen an einem Ort: Kita, Schule, Ärzte, Vereine.",
        ),
        (
            "Jugendbeteiligung per App",
            "Jugendliche sollten einfach mitreden können, wenn es um Treffpunkte, Busse oder Freizeitangebote geht.",
        ),
        (
            "Kita-Platz digital anmelden",
            "Eine zentrale Online-Anmeldung für Kitaplätze mit Wartelistenstand würde Eltern viel Stress ersparen.",
        ),
    ],
    "mobilitaet": [
        (
            "Sichere Radwege zwischen den Ortsteilen",
            "Zwischen vielen Ortsteilen fehlen sichere Radwege. Eine digitale Karte mit gemeldeten Gefahrenstellen könnte die Planung unterstützen.",
        ),
        (
            "Bürgerbus per App rufen",
            "Der Bürgerbus fährt oft leer. Mit einer Rufbus-App könnte er dann fahren, wenn Menschen ihn wirklich brauchen.",
        ),
        (
            "Echtzeit-Anzeigen an Bushaltestellen",
            "An den Haltestellen sollte man sehen können, wann der nächste Bus wirklich kommt.",
        ),
        (
            "Mitfahrbänke mit digitaler Anzeige",
            "Mitfahrbänke gibt es schon. Eine App, die Fahrende und Wartende verbindet, würde sie viel attraktiver machen.",
        ),
        (
            "Freie Ladesäulen auf einen Blick",
            "Eine Übersicht über freie Ladesäulen für E-Autos und E-Bikes im Kreis fehlt bisher.",
        ),
        (
            "Parkplätze am Bahnhof digital anzeigen",
            "Pendlerinnen und Pendler verlieren Zeit bei der Parkplatzsuche. Sensoren und eine Anzeige würden helfen.",
        ),
        (
            "Radwege-Schäden per Foto melden",
            "Schlaglöcher und Scherben auf Radwegen sollte man mit Foto und Standort direkt melden können.",
        ),
    ],
    "bevoelkerungsschutz-gesundheit": [
        (
            "Warn-App mit lokalen Hinweisen",
            "Bei Unwetter oder Stromausfall brauchen wir schnelle, ortsgenaue Hinweise, auch für Menschen ohne Smartphone.",
        ),
        (
            "Defibrillatoren auf einer Karte",
            "Im Notfall zählt jede Minute. Alle öffentlich zugänglichen Defibrillatoren sollten auf einer Karte zu finden sein.",
        ),
        (
            "Ersthelfende per App alarmieren",
            "Registrierte Ersthelfende in der Nähe könnten bei einem Herzstillstand alarmiert werden, bevor der Rettungsdienst eintrifft.",
        ),
        (
            "Telemedizin in der Hausarztpraxis",
            "Auf dem Land fehlen Fachärzte. Videosprechstunden in der Hausarztpraxis könnten lange Fahrten ersparen.",
        ),
        (
            "Hochwasser-Pegel online verfolgen",
            "Aktuelle Pegelstände der Bäche und Flüsse im Kreis sollten leicht verständlich online abrufbar sein.",
        ),
    ],
    "infrastruktur-standort": [
        (
            "Glasfaser bis in jeden Ortsteil",
            "Einige Außenbereiche haben immer noch langsames Internet. Der Ausbau sollte transparent auf einer Karte verfolgt werden können.",
        ),
        (
            "Kostenloses WLAN in den Ortskernen",
            "Offenes WLAN auf Marktplätzen und in Büchereien würde die Innenstädte beleben.",
        ),
        (
            "Coworking-Räume im ländlichen Raum",
            "Wer von zu Hause arbeitet, braucht manchmal einen ruhigen Arbeitsplatz. Coworking-Räume in leerstehenden Läden wären ideal.",
        ),
        (
            "Leerstandsbörse für Ladenlokale",
            "Gründerinnen und Gründer finden schwer passende Räume. Eine Übersicht über leerstehende Ladenlokale würde helfen.",
        ),
        (
            "Digitaler Marktplatz für lokale Geschäfte",
            "Lokale Händler könnten gemeinsam online verkaufen und am selben Tag liefern.",
        ),
        (
            "Funklöcher melden und schließen",
            "Eine Karte, in der Menschen Funklöcher melden, würde zeigen, wo Mobilfunk dringend ausgebaut werden muss.",
        ),
    ],
}

ANGLES = [
    "Gerade in {ort} würde das vielen Menschen helfen.",
    "In {ort} gibt es dafür schon engagierte Leute, die mitmachen würden.",
    "Als Pilot könnte man in {ort} anfangen und dann auf den Kreis ausweiten.",
    "Für {ort} wäre das ein echter Fortschritt.",
    "Wichtig ist, dass es auch ohne Smartphone nutzbar bleibt.",
    "Andere Kreise haben damit schon gute Erfahrungen gemacht.",
]

COMMENTS = [
    "Gute Idee, das würde ich sofort nutzen.",
    "Das wünsche ich mir schon lange!",
    "Wie soll das finanziert werden? Gibt es dafür Fördermittel?",
    "Bitte auch an Menschen denken, die kein Smartphone haben.",
    "In unserem Ortsteil wäre das besonders wichtig.",
    "Ich engagiere mich gerne ehrenamtlich, wenn das umgesetzt wird.",
    "Gibt es so etwas nicht schon in einer Nachbarkommune?",
    "Datenschutz muss dabei von Anfang an mitgedacht werden.",
    "Klingt gut, aber die Pflege der Daten darf nicht vergessen werden.",
    "Unser Verein würde sich daran gerne beteiligen.",
    "Das wäre auch für Pendlerinnen und Pendler eine große Erleichterung.",
    "Man könnte mit einem kleinen Pilotprojekt anfangen.",
]

REPLIES = [
    "Da stimme ich zu.",
    "Guter Punkt, das sollte man klären.",
    "Soweit ich weiß, gibt es dafür ein Förderprogramm.",
    "Das sehe ich etwas anders, aber der Grundgedanke ist gut.",
]

FIRST_NAMES = [
    "Anna",
    "Ben",
    "Clara",
    "David",
    "Emma",
    "Felix",
    "Greta",
    "Hannes",
    "Ida",
    "Jonas",
    "Karin",
    "Lukas",
    "Marie",
    "Nils",
    "Olga",
    "Paul",
    "Rita",
    "Stefan",
    "Tanja",
    "Uwe",
    "Vera",
    "Wolfgang",
    "Yasemin",
    "Zoe",
    "Mehmet",
    "Sabine",
    "Thomas",
    "Elif",
    "Jan",
    "Lea",
]
LAST_INITIALS = "ABCDEFGHKLMNOPRSTWZ"
ORGANISATIONS = [
    ("association", "Heimatverein {ort}"),
    ("association", "Sportverein {ort} e. V."),
    ("association", "Seniorenbeirat {ort}"),
    ("business", "Werbegemeinschaft {ort}"),
    ("business", "Fahrradhandel {ort}"),
    ("institution", "Familienzentrum {ort}"),
    ("institution", "Gesamtschule {ort}"),
]
REJECTION_REASONS = [
    "Die Idee betrifft kein Thema, für das der Kreis oder die Kommunen zuständig sind.",
    "Die Idee gibt es schon – bitte unterstützen Sie die bestehende Idee.",
    "Der Text enthält personenbezogene Daten Dritter.",
]
HIDE_REASONS = ["Beleidigung", "Werbung", "Persönliche Daten"]
# Where in the town an idea is ("Ort (z. B. Kreuzung, Straße, Gebäude)").
PLACES = [
    "Marktplatz {ort}",
    "Kreuzung am Bahnhof",
    "Bushaltestelle an der Hauptstraße",
    "Parkplatz am Rathaus",
    "Schulzentrum {ort}",
    "Ortseingang an der Landstraße",
    "Spielplatz im Neubaugebiet",
    "Stadtbücherei {ort}",
    "Radweg Richtung Nachbarort",
    "Sporthalle an der Schulstraße",
    "Friedhof, Eingang Kirchstraße",
    "Freibad {ort}",
]
