"""Every content problem's message, in Italian (volunteers) and English.

Each message says what is wrong and how to fix it. ``{hint}`` becomes a
"did you mean" sentence when there is a close match, and nothing otherwise.
"""

HINT = {"it": " Forse intendevi «{}»?", "en": " Did you mean '{}'?"}

MESSAGES = {
    "yaml.tab": {
        "it": "c'è un carattere di tabulazione nel rientro: YAML accetta solo spazi. "
        "Sostituisci il tab con spazi (di solito due per livello).",
        "en": "there is a tab in the indentation: YAML only accepts spaces. "
        "Replace the tab with spaces (usually two per level).",
    },
    "yaml.indent": {
        "it": "il rientro (indentazione) non torna: le voci dello stesso livello devono iniziare "
        "nella stessa colonna e dopo ogni «chiave:» va uno spazio. Controlla questa riga "
        "e quella sopra.",
        "en": "the indentation is inconsistent: entries at the same level must start in the same "
        "column, with a space after each 'key:'. Check this line and the one above.",
    },
    "yaml.colon": {
        "it": "qui c'è un «: » che YAML non si aspetta: se è dentro un testo, metti tutto il testo "
        'tra virgolette (es. it: "Orari: mercoledì"); altrimenti controlla il rientro.',
        "en": "there is an unexpected ': ' here: if it is inside a text, put the whole text in "
        'quotes (e.g. en: "Hours: Wednesday"); otherwise check the indentation.',
    },
    "yaml.quote_unclosed": {
        "it": "le virgolette aperte su questa riga non sono chiuse, così YAML legge come testo "
        "anche le righe seguenti. Chiudile alla fine del testo, così: {fixed}",
        "en": "the quotes opened on this line are not closed, so YAML reads the following lines "
        "as text too. Close them at the end of the text, like this: {fixed}",
    },
    "yaml.quote_nested": {
        "it": "il testo contiene le stesse virgolette ({quote}) che lo racchiudono, e YAML lo "
        "chiude troppo presto. Un testo che contiene virgolette va racchiuso con l'altro "
        "tipo di virgolette, o scritto senza virgolette esterne. Per esempio: {fixed}",
        "en": "the text contains the same quotes ({quote}) that enclose it, so YAML ends it too "
        "early. A text that contains quotes must be enclosed in the other kind of quotes, "
        "or written without outer quotes. For example: {fixed}",
    },
    "yaml.syntax": {
        "it": "il file non è YAML valido ({reason}). Controlla virgolette e due punti su questa "
        "riga.",
        "en": "the file is not valid YAML ({reason}). Check quotes and colons on this line.",
    },
    "yaml.empty": {
        "it": "il file è vuoto: scrivi il contenuto o elimina il file.",
        "en": "the file is empty: write its content or delete the file.",
    },
    "yaml.encoding": {
        "it": "il file non è salvato in UTF-8 ({reason}): salvalo come UTF-8.",
        "en": "the file is not saved as UTF-8 ({reason}): save it as UTF-8.",
    },
    "yaml.duplicate_key": {
        "it": "la chiave «{key}» compare due volte (la prima alla riga {first}): tienine una sola.",
        "en": "the key '{key}' appears twice (first on line {first}): keep only one.",
    },
    "file.missing": {
        "it": "manca il file {path}: crealo (vedi la guida in docs/).",
        "en": "the file {path} is missing: create it (see the guide in docs/).",
    },
    "file.extension": {
        "it": "il file {name} non viene letto: rinominalo con estensione .yml.",
        "en": "the file {name} is not read: rename it with the .yml extension.",
    },
    "value.not_scalar": {
        "it": "qui va un valore semplice ({expected}), non un elenco o un gruppo.",
        "en": "a single value ({expected}) is expected here, not a list or group.",
    },
    "value.not_mapping": {
        "it": "qui va un gruppo di campi «chiave: valore».",
        "en": "a group of 'key: value' fields is expected here.",
    },
    "value.not_list": {
        "it": "qui va un elenco: ogni voce su una riga che inizia con «- ».",
        "en": "a list is expected here: each item on a line starting with '- '.",
    },
    "value.empty": {
        "it": "il valore è vuoto: scrivi un valore o togli la riga.",
        "en": "the value is empty: write a value or remove the line.",
    },
    "value.required_null": {
        "it": "questo campo è obbligatorio e non può essere vuoto.",
        "en": "this field is required and cannot be empty.",
    },
    "value.slug": {
        "it": "«{value}» non va bene come id: usa solo lettere minuscole, cifre e trattini "
        "(es. conca-fiorita).",
        "en": "'{value}' is not a valid id: use only lower-case letters, digits and hyphens "
        "(e.g. conca-fiorita).",
    },
    "value.int": {
        "it": "«{value}» non è un numero intero: scrivi solo cifre, es. 12.",
        "en": "'{value}' is not a whole number: write digits only, e.g. 12.",
    },
    "value.bool": {
        "it": "«{value}» non è valido: scrivi true oppure false.",
        "en": "'{value}' is not valid: write true or false.",
    },
    "value.decimal": {
        "it": "«{value}» non è un importo valido: usa il punto per i decimali e niente separatore "
        "delle migliaia, es. 9360.01",
        "en": "'{value}' is not a valid amount: use a dot for decimals and no thousands "
        "separator, e.g. 9360.01",
    },
    "value.date": {
        "it": "«{value}» non è una data valida: scrivi AAAA-MM-GG, es. 2026-03-15.",
        "en": "'{value}' is not a valid date: write YYYY-MM-DD, e.g. 2026-03-15.",
    },
    "value.time": {
        "it": '«{value}» non è un orario valido: scrivi HH:MM tra 00:00 e 23:59, es. "09:00".',
        "en": "'{value}' is not a valid time: write HH:MM between 00:00 and 23:59, e.g. \"09:00\".",
    },
    "value.datetime": {
        "it": "«{value}» non è una data e ora valida: scrivi AAAA-MM-GG HH:MM, "
        "es. 2026-04-18 09:30.",
        "en": "'{value}' is not a valid date and time: write YYYY-MM-DD HH:MM, "
        "e.g. 2026-04-18 09:30.",
    },
    "value.timezone": {
        "it": "«{value}» non è un fuso orario IANA: usa Europe/Rome.",
        "en": "'{value}' is not an IANA time zone: use Europe/Rome.",
    },
    "value.choice": {
        "it": "«{value}» non è ammesso: scegli tra {choices}.{hint}",
        "en": "'{value}' is not allowed: choose one of {choices}.{hint}",
    },
    "field.unknown": {
        "it": "il campo «{key}» non esiste.{hint} Campi ammessi: {allowed}.",
        "en": "there is no field '{key}'.{hint} Allowed fields: {allowed}.",
    },
    "field.italian": {
        "it": "il campo «{key}» non esiste: i nomi dei campi sono in inglese.{hint} "
        "Campi ammessi: {allowed}.",
        "en": "there is no field '{key}': field names are in English.{hint} "
        "Allowed fields: {allowed}.",
    },
    # {example} starts with a space (one line) or a new line (an indented block).
    "field.missing": {
        "it": "manca il campo obbligatorio «{key}»: aggiungilo, per esempio{example}",
        "en": "the required field '{key}' is missing: add it, e.g.{example}",
    },
    "text.not_mapping": {
        "it": "qui va un testo per lingua, es.\n"
        '    {source}: "Testo in italiano"\n'
        '    en: "Text in English"',
        "en": "one text per language is expected here, e.g.\n"
        '    {source}: "Testo in italiano"\n'
        '    en: "Text in English"',
    },
    "text.not_string": {
        "it": "qui va un testo: scrivilo tra virgolette se contiene «:».",
        "en": "a text is expected here: quote it if it contains ':'.",
    },
    "text.missing_source": {
        "it": "manca il testo in italiano ({source}:): è la lingua di partenza ed è obbligatorio.",
        "en": "the Italian text ({source}:) is missing: it is the source language and required.",
    },
    "text.missing_translation": {
        "it": "manca la traduzione in {langs}: la pagina mostrerà il testo italiano.",
        "en": "no translation in {langs}: the page will show the Italian text.",
    },
    "lang.unknown": {
        "it": "la lingua «{code}» non è tra quelle del sito ({known}).{hint} Per aggiungerla, "
        "modifica site_config/languages.yml.",
        "en": "the language '{code}' is not one of the site's ({known}).{hint} To add it, "
        "edit site_config/languages.yml.",
    },
    "lang.bad_code": {
        "it": "«{value}» non è un codice di lingua: usa ad esempio it, en, ar, zh-Hans.",
        "en": "'{value}' is not a language code: use e.g. it, en, ar, zh-Hans.",
    },
    "lang.unknown_locale": {
        "it": "il codice di lingua «{code}» non esiste: controlla l'ortografia.",
        "en": "the language code '{code}' does not exist: check the spelling.",
    },
    "lang.first_not_italian": {
        "it": "la prima lingua dell'elenco deve essere l'italiano (it).",
        "en": "the first language in the list must be Italian (it).",
    },
    "strings.missing_file": {
        "it": "manca il file dei testi dell'interfaccia per «{code}».",
        "en": "the interface strings file for '{code}' is missing.",
    },
    "strings.unknown_key": {
        "it": "la voce «{key}» non esiste nel file italiano, quindi non viene mai usata.{hint}",
        "en": "the entry '{key}' does not exist in the Italian file, so it is never used.{hint}",
    },
    "strings.placeholders": {
        "it": "le parole tra graffe vanno lasciate come nell'italiano, senza tradurle: qui "
        "servono {expected}.",
        "en": "the words in braces must stay as in the Italian, untranslated: this needs "
        "{expected}.",
    },
    "strings.plural_missing": {
        "it": "questo testo ha un numero, e in «{code}» un numero vuole le forme {needed} "
        "(regole di plurale CLDR): mancano {missing}. Scrivi una riga per forma, es.\n"
        '    one: "…"\n'
        '    other: "…"',
        "en": "this text has a number, and in '{code}' a number takes the forms {needed} "
        "(CLDR plural rules): {missing} missing. Write one line per form, e.g.\n"
        '    one: "…"\n'
        '    other: "…"',
    },
    "strings.plural_unknown": {
        "it": "«{form}» non è una forma di plurale: usa {allowed}.",
        "en": "'{form}' is not a plural form: use {allowed}.",
    },
    "review.malformed": {
        "it": "questa revisione non è leggibile: servono file, field, reviewer, date "
        "(AAAA-MM-GG), source e text. Il file è scritto da `portal import-translations "
        "--reviewer`: non modificarlo a mano.",
        "en": "this review cannot be read: it needs file, field, reviewer, date (YYYY-MM-DD), "
        "source and text. The file is written by `portal import-translations --reviewer`: "
        "do not edit it by hand.",
    },
    "review.unknown_text": {
        "it": "questa revisione riguarda «{file}» «{field}», che non esiste più: "
        "la revisione non vale per nessun testo.",
        "en": "this review is about '{file}' '{field}', which no longer exists: "
        "it applies to no text.",
    },
    "id.duplicate": {
        "it": "l'id «{id}» è già usato in {other}: scegli un id diverso.",
        "en": "the id '{id}' is already used in {other}: choose another id.",
    },
    "id.duplicate_in_file": {
        "it": "«{id}» compare due volte in questo file: tienine uno solo.",
        "en": "'{id}' appears twice in this file: keep only one.",
    },
    "ref.unknown": {
        "it": "non esiste nessun elemento «{id}» tra {kind}.{hint} Quelli esistenti: {known}.",
        "en": "there is no '{id}' among {kind}.{hint} Existing ones: {known}.",
    },
    "schedule.closes_before_opens": {
        "it": "la chiusura ({closes}) non è dopo l'apertura ({opens}): correggi uno dei due orari.",
        "en": "closing time ({closes}) is not after opening time ({opens}): fix one of them.",
    },
    "schedule.extra_needs_times": {
        "it": "un'apertura straordinaria (kind: extra) ha bisogno di opens e closes.",
        "en": "an extra opening (kind: extra) needs opens and closes.",
    },
    "schedule.closed_has_times": {
        "it": "una chiusura (kind: closed) non ha orari: togli opens e closes, o usa kind: extra.",
        "en": "a closure (kind: closed) has no times: remove opens and closes, or use kind: extra.",
    },
    "schedule.validity_reversed": {
        "it": "valid_until ({end}) è prima di valid_from ({start}): scambia o correggi le date.",
        "en": "valid_until ({end}) is before valid_from ({start}): swap or fix the dates.",
    },
    "schedule.overlap": {
        "it": "questa fascia di {day} si sovrappone a un'altra dello stesso giorno: uniscile.",
        "en": "this {day} slot overlaps another one on the same day: merge them.",
    },
    "schedule.unknown_holiday_calendar": {
        "it": "«{value}» non è un calendario di festività noto: usa IT-BG (Italia, provincia "
        "di Bergamo), o null se lo sportello apre anche nei festivi.",
        "en": "'{value}' is not a known holiday calendar: use IT-BG (Italy, province of "
        "Bergamo), or null if the desk also opens on public holidays.",
    },
    "schedule.closed_not_open": {
        "it": "il {day} lo sportello non apre comunque (non c'è un orario settimanale per quel "
        "giorno): questa chiusura non cambia niente. Controlla la data.",
        "en": "the desk does not open on {day} anyway (no weekly slot that day): this closure "
        "changes nothing. Check the date.",
    },
    "schedule.closed_on_holiday": {
        "it": "il {day} è festivo ({name}): lo sportello risulta già chiuso anche senza questa "
        "chiusura. Toglila, oppure scrivi un motivo (reason) da mostrare.",
        "en": "{day} is a public holiday ({name}): the desk is closed without this closure. "
        "Remove it, or give a reason to show.",
    },
    "schedule.duplicate_exception": {
        "it": "c'è già un'eccezione per il {day}: tienine una sola.",
        "en": "there is already an exception for {day}: keep only one.",
    },
    "status.reason_required": {
        "it": "lo stato è «{state}»: aggiungi reason con il motivo, per chi legge.",
        "en": "the status is '{state}': add a reason for readers.",
    },
    "time.end_before_start": {
        "it": "la fine ({end}) non è dopo l'inizio ({start}): correggi una delle due date.",
        "en": "the end ({end}) is not after the start ({start}): fix one of the two.",
    },
    "place.one_of": {
        "it": "indica o desk (uno sportello) o address (un indirizzo), uno solo.",
        "en": "give either desk or address, exactly one.",
    },
    "event.needs_dates": {
        "it": "manca «{key}»: scrivi la data, oppure, se non è ancora fissata, scrivi in fondo "
        "al file\n    to_confirm:\n      - field: start\n        by: organizer",
        "en": "'{key}' is missing: write the date, or, if it is not set yet, write at the end "
        "of the file\n    to_confirm:\n      - field: start\n        by: organizer",
    },
    "event.needs_place": {
        "it": "manca «place»: scrivi lo sportello (desk) o l'indirizzo (address), oppure, se "
        "il luogo non è ancora deciso, scrivi in fondo al file\n    to_confirm:\n"
        "      - field: place\n        by: organizer",
        "en": "'place' is missing: write the desk or the address, or, if the place is not "
        "decided yet, write at the end of the file\n    to_confirm:\n"
        "      - field: place\n        by: organizer",
    },
    "course.needs_dates": {
        "it": "mancano le date del corso: scrivi sessions, oppure when (il periodo, a parole), "
        "oppure, se non sono ancora fissate, scrivi in fondo al file\n    to_confirm:\n"
        "      - field: sessions\n        by: comune",
        "en": "the course has no dates: write sessions, or when (the period, in words), or, if "
        "they are not set yet, write at the end of the file\n    to_confirm:\n"
        "      - field: sessions\n        by: comune",
    },
    "course.active_without_dates": {
        "it": "un corso è «active» solo quando le date (sessions) sono scritte e confermate: "
        "togli status, e il sito scrive «in preparazione» finché mancano.",
        "en": "a course is 'active' only when its dates (sessions) are written and confirmed: "
        "remove status, and the site shows 'being planned' until then.",
    },
    "field.replaced_by_to_confirm": {
        "it": "il campo «{key}» non si usa più: quello che è da confermare si scrive una volta "
        "sola, in fondo al file, es.\n    to_confirm:\n      - field: {instead}\n"
        "        by: comune",
        "en": "the field '{key}' is no longer used: what is to be confirmed is written once, at "
        "the end of the file, e.g.\n    to_confirm:\n      - field: {instead}\n"
        "        by: comune",
    },
    "pending.bad_path": {
        "it": "«{value}» non è il nome di un campo: scrivi il nome com'è nel file (es. costs), "
        "una voce di un elenco col suo numero contando da 0 (es. what_to_bring[1]) o una "
        "parte di un gruppo (es. sections[2].body).",
        "en": "'{value}' is not a field name: write the name as in the file (e.g. costs), a list "
        "item with its number counting from 0 (e.g. what_to_bring[1]) or a part of a group "
        "(e.g. sections[2].body).",
    },
    "pending.unknown_field": {
        "it": "«{path}» non è un campo che la pagina può segnare da confermare.{hint} "
        "Si possono segnare: {allowed}.",
        "en": "'{path}' is not a field the page can mark as to be confirmed.{hint} "
        "These can be: {allowed}.",
    },
    "pending.not_list": {
        "it": "in «{path}», {name} non è un elenco: togli il numero tra [ ].",
        "en": "in '{path}', {name} is not a list: remove the number in [ ].",
    },
    "pending.bad_index": {
        "it": "in «{path}» la voce non esiste: {name} ha {count} voci, numerate da 0 a {last}.",
        "en": "in '{path}' there is no such item: {name} has {count} items, numbered 0 to {last}.",
    },
    "pending.duplicate": {
        "it": "«{path}» è già in to_confirm (riga {first}): tienine una sola voce.",
        "en": "'{path}' is already in to_confirm (line {first}): keep only one entry.",
    },
    "event.signup_after_end": {
        "it": "le iscrizioni chiudono dopo la fine dell'evento: anticipa signup.closes.",
        "en": "sign-up closes after the event ends: move signup.closes earlier.",
    },
    "event.signup_without_date": {
        "it": "non si aprono iscrizioni per un evento con data da confermare: togli signup "
        "o fissa la data.",
        "en": "sign-up cannot open for an event whose date is to be confirmed: remove signup "
        "or set the date.",
    },
    "event.capacity_zero": {
        "it": "capacity non può essere 0: togli il campo se i posti non sono ancora stabiliti.",
        "en": "capacity cannot be 0: remove the field if it is not yet known.",
    },
    "event.max_group_range": {
        "it": "max_group va da 1 a {most}: scrivi quante persone al massimo con una sola "
        "iscrizione.",
        "en": "max_group goes from 1 to {most}: write how many people at most one sign-up "
        "may bring.",
    },
    "event.max_group_over_capacity": {
        "it": "max_group ({group}) è più di capacity ({capacity}): un gruppo non può essere più "
        "grande di tutto l'evento. Abbassa max_group.",
        "en": "max_group ({group}) is more than capacity ({capacity}): a group cannot be larger "
        "than the whole event. Lower max_group.",
    },
    "section.body_or_generated": {
        "it": "una sezione ha o body (il testo) o generated (testo scritto dal sito), uno solo.",
        "en": "a section has either body (the text) or generated (text written by the site), "
        "exactly one.",
    },
    "range.reversed": {
        "it": "il minimo ({min}) è più alto del massimo ({max}): scambiali.",
        "en": "the minimum ({min}) is above the maximum ({max}): swap them.",
    },
    "retention.audit_log": {
        "it": "il registro delle attività si tiene da 6 a 120 mesi (la proposta è 24): almeno "
        "6 mesi perché gli accessi ai dati personali vanno conservati almeno tanto. Scrivi un "
        "numero di mesi in quell'intervallo.",
        "en": "the audit log is kept from 6 to 120 months (the proposal is 24): at least 6 "
        "months because access to personal data must be kept that long. Write a number of "
        "months in that range.",
    },
    "form.notice_incomplete": {
        "it": "un modulo aperto (state: open) raccoglie dati, quindi l'informativa privacy deve "
        "dire che cosa raccoglie, perché, su quale base giuridica e chi vede i dati. Manca: "
        "{missing}. Scrivilo, oppure chiudi il modulo con state: closed.",
        "en": "an open form (state: open) collects data, so the privacy notice must say what it "
        "collects, why, on which legal basis and who sees the data. Missing: {missing}. Add "
        "it, or close the form with state: closed.",
    },
    "form.field_name": {
        "it": "il nome di un campo è in minuscolo con trattini bassi, come nel modulo (es. "
        "full_name, phone).",
        "en": "a field name is lower case with underscores, as in the form (e.g. full_name, "
        "phone).",
    },
    "form.unknown_field": {
        "it": "il modulo non ha un campo «{field}» con un nome in site_config/strings/it.yml "
        "(le chiavi form_label_…): scrivi il nome del campo come nel modulo.{hint}",
        "en": "the form has no field '{field}' with a label in site_config/strings/it.yml (the "
        "form_label_… keys): write the field's name as the form has it.{hint}",
    },
    "contact.footer_unavailable": {
        "it": "a fondo pagina va solo un contatto che c'è (status: available): togli in_footer "
        "o scrivi il valore.",
        "en": "only a contact that exists (status: available) goes in the footer: remove "
        "in_footer or add the value.",
    },
    "contact.value_required": {
        "it": "un contatto available ha bisogno di value: scrivilo, o usa status: "
        "not_yet_available.",
        "en": "an available contact needs a value: add it, or use status: not_yet_available.",
    },
    "contact.value_unexpected": {
        "it": "un contatto not_yet_available non ha value: togli il valore o usa status: "
        "available.",
        "en": "a not_yet_available contact has no value: remove it or use status: available.",
    },
    "amount.bad_name": {
        "it": "«{value}» non va bene come nome di un importo: usa lettere minuscole, cifre e _ "
        "(es. project_total).",
        "en": "'{value}' is not a valid amount name: use lower-case letters, digits and _ "
        "(e.g. project_total).",
    },
    "amount.reserved": {
        "it": "«{id}» è già un importo delle regole di content/heating-grant.yml: scegli un "
        "altro nome (quello delle regole i testi lo citano senza dichiararlo qui).",
        "en": "'{id}' is already an amount of the rules in content/heating-grant.yml: choose "
        "another name (texts cite the rule's amount without declaring it here).",
    },
    "punctuation.script": {
        "it": "«{mark}» in una frase di questa scrittura: usa «{wanted}» (qui: «{snippet}»).",
        "en": "'{mark}' inside a sentence of this script: use '{wanted}' (here: '{snippet}').",
    },
    "amount.hand_typed": {
        "it": "«{found}» è un importo scritto a mano: ogni lingua lo leggerebbe in modo "
        "diverso. Dichiaralo in content/amounts.yml e scrivi {{amount:nome}} al suo posto "
        "(cifra e simbolo dell'euro li mette il sito).",
        "en": "'{found}' is an amount typed by hand: each language would read it differently. "
        "Declare it in content/amounts.yml and write {{amount:name}} instead (the site writes "
        "the figure and the euro sign).",
    },
}
