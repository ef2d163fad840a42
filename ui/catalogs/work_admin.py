"""UI strings of the work setup screens (admins: SLA policies, office calendar,
product work settings, queue auto-assignment, reply templates)."""

NL: dict[str, str] = {
    "work_admin.nav": "Werkinrichting",
    "work_admin.title": "Werkinrichting",
    "work_admin.intro": "Hoe het werk loopt: SLA-doelen, kantoortijden, instellingen per "
    "product, automatisch toewijzen en antwoordsjablonen.",
    "work_admin.back": "Terug naar Werkinrichting",
    "work_admin.save": "Opslaan",
    "work_admin.delete": "Verwijderen",
    "work_admin.saved": "Opgeslagen.",
    "work_admin.actions": "Acties",
    "work_admin.product": "Product",
    "work_admin.channel": "Kanaal",
    "work_admin.show": "Tonen",
    "work_admin.active": "Actief",
    "work_admin.when.title": "Wanneer een wijziging geldt",
    "work_admin.applies.plan": "Wijzigingen gelden voor contacten die vanaf nu binnenkomen, "
    "uiterlijk een minuut na het opslaan (elke worker bewaart deze instellingen tot een "
    "minuut). Een contact krijgt zijn werkplan één keer, bij de start: de SLA-doelen van "
    "alle lijnen, de kantoortijden en de productinstellingen. Contacten die al open staan "
    "houden het plan waarmee ze begonnen, ook als ze later naar de 2e of 3e lijn gaan.",
    "work_admin.applies.calendar": "Kantoortijden en sluitingsdagen gelden voor contacten die "
    "vanaf nu binnenkomen, uiterlijk een minuut na het opslaan (elke worker bewaart de "
    "kalender tot een minuut). Contacten die al open staan houden de kalender waarmee ze "
    "begonnen.",
    "work_admin.applies.queues": "1e lijn: het automatisch toewijzen gebeurt bij de start van "
    "een nieuw contact, dus voor contacten die vanaf nu binnenkomen. 2e en 3e lijn: op het "
    "moment dat een contact op die lijst komt (doorzetten, terugsturen, klacht), ook als het "
    "contact al open stond. Alleen ingelogde medewerkers met een accreditatie voor het product "
    "(en de lijn) krijgen zo werk.",
    "work_admin.applies.templates": "Sjablonen gelden direct, ook voor contacten die al open "
    "staan: een sjabloon wordt gelezen als een medewerker het kiest, of als de workflow een "
    "brief maakt (herinnering, verlenging klachttermijn). Een uitgezet sjabloon verdwijnt uit "
    "de keuzelijst; een brief krijgt dan de ingebouwde tekst.",
    "work_admin.sla.title": "SLA-beleid",
    "work_admin.sla.intro": "Doelen voor eerste reactie en afhandeling per product, kanaal "
    "en lijn.",
    "work_admin.sla.help": "Een beleid zonder kanaal is de standaard van het product; een "
    "beleid voor een kanaal gaat daarvoor. Zonder beleid geldt de ingebouwde standaard.",
    "work_admin.sla.default_channel": "Standaard (elk kanaal)",
    "work_admin.sla.first_response": "Eerste reactie",
    "work_admin.sla.resolution": "Afhandeling",
    "work_admin.sla.none": "Nog geen SLA-beleid.",
    "work_admin.sla.hours_hint": "In werkuren:minuten, bijvoorbeeld 16:00 of 1:30. "
    "0:00 = geen doel.",
    "work_admin.sla.add": "SLA-beleid toevoegen",
    "work_admin.sla.add_button": "Toevoegen",
    "work_admin.channel.email": "E-mail",
    "work_admin.channel.phone": "Telefoon",
    "work_admin.channel.webform": "Webformulier",
    "work_admin.channel.counter": "Balie",
    "work_admin.channel.letter": "Brief",
    "work_admin.calendar.title": "Kantoorkalender",
    "work_admin.calendar.intro": "Kantoortijden, werkdagen, feestdagen, tijdzone en "
    "sluitingsdagen: wanneer de SLA-klok loopt.",
    "work_admin.calendar.hours": "Kantoortijden",
    "work_admin.calendar.open": "Open om",
    "work_admin.calendar.close": "Dicht om",
    "work_admin.calendar.workdays": "Werkdagen",
    "work_admin.calendar.public_holidays": "Gesloten op Nederlandse feestdagen",
    "work_admin.calendar.public_holidays_hint": "Uit voor een desk die elke dag werkt.",
    "work_admin.calendar.tz": "Tijdzone",
    "work_admin.calendar.closing_days": "Sluitingsdagen",
    "work_admin.calendar.day": "Datum",
    "work_admin.calendar.label": "Omschrijving",
    "work_admin.calendar.no_closing_days": "Geen sluitingsdagen.",
    "work_admin.calendar.add_day": "Sluitingsdag toevoegen",
    "work_admin.calendar.coming_holidays": "Komende Nederlandse feestdagen",
    "work_admin.calendar.holidays_off": "Feestdagen staan uit: op deze dagen loopt de "
    "SLA-klok door.",
    "work_admin.weekday.0": "maandag",
    "work_admin.weekday.1": "dinsdag",
    "work_admin.weekday.2": "woensdag",
    "work_admin.weekday.3": "donderdag",
    "work_admin.weekday.4": "vrijdag",
    "work_admin.weekday.5": "zaterdag",
    "work_admin.weekday.6": "zondag",
    "work_admin.products.title": "Werkinstellingen per product",
    "work_admin.products.intro": "Waarschuwen, prioriteit bij overschrijding, wie de klant "
    "direct antwoordt, herinneren en automatisch sluiten.",
    "work_admin.products.warn_share": "Waarschuwen bij (% van het doel)",
    "work_admin.products.warn_share_hint": "Bijvoorbeeld 80: waarschuwen als 80% van de "
    "tijd op is.",
    "work_admin.products.raise_priority": "Prioriteit verhogen bij overschrijding met",
    "work_admin.products.raise_priority_hint": "0 = de prioriteit blijft gelijk.",
    "work_admin.products.direct_reply": "Lijnen die de klant zelf antwoorden",
    "work_admin.products.reminder_days": "Herinnering na (werkdagen wachten op klant)",
    "work_admin.products.close_days": "Automatisch sluiten na (werkdagen wachten op klant)",
    "work_admin.products.days_hint": "0 = niet. Sluiten moet na de herinnering komen.",
    "work_admin.queues.title": "Automatisch toewijzen",
    "work_admin.queues.intro": "Per product en lijn: uit, om de beurt of aan wie het minst heeft.",
    "work_admin.queues.help": "Nieuw werk op een lijst kan automatisch naar een ingelogde "
    "medewerker gaan.",
    "work_admin.mode.off": "Uit",
    "work_admin.mode.round_robin": "Om de beurt",
    "work_admin.mode.least_loaded": "Minst belast",
    "work_admin.mode.off.help": "Niemand krijgt het werk vanzelf; medewerkers pakken het op.",
    "work_admin.mode.round_robin.help": "Om de beurt naar de volgende ingelogde medewerker.",
    "work_admin.mode.least_loaded.help": "Naar de ingelogde medewerker met de minste "
    "contacten in behandeling.",
    "work_admin.templates.title": "Antwoordsjablonen",
    "work_admin.templates.intro": "Sjablonen per product en taal, met variabelen.",
    "work_admin.templates.variables": "Variabelen",
    "work_admin.templates.variables_editor": "In antwoorden van medewerkers worden deze "
    "variabelen ingevuld:",
    "work_admin.templates.variables_letters": "Brieven die de workflow zelf stuurt "
    "(sjablooncodes {codes}) vullen alleen deze variabelen in, in titel en tekst:",
    "work_admin.templates.code": "Code",
    "work_admin.templates.code_hint": "Kleine letters, cijfers, _ en -. Een brief van de "
    "workflow gebruikt het sjabloon met zijn code.",
    "work_admin.templates.language": "Taal",
    "work_admin.templates.name": "Titel",
    "work_admin.templates.body": "Tekst",
    "work_admin.templates.none": "Nog geen sjablonen voor dit product.",
    "work_admin.templates.add": "Sjabloon toevoegen",
    "work_admin.templates.edit": "Sjabloon wijzigen",
    "work_admin.templates.back": "Terug naar de sjablonen",
    "work_admin.templates.active_hint": "Uitgezet verdwijnt het sjabloon uit de keuzelijst "
    "van medewerkers.",
    "work_admin.var.customer_name": "naam van de klant (uit de laatste e-mail)",
    "work_admin.var.reference": "kenmerk van het contact",
    "work_admin.var.subject": "onderwerp van het contact",
    "work_admin.var.agent_name": "naam van de medewerker",
    "work_admin.var.product_name": "naam van het product",
    "work_admin.var.due_date": "nieuwe einddatum van de klachttermijn (verlengingsbrief)",
    "work_admin.error.product": "Onbekend product {id}.",
    "work_admin.error.working_time": "Schrijf een doel als werkuren:minuten, bijvoorbeeld "
    "16:00 (niet '{value}').",
    "work_admin.error.channel": "Onbekend kanaal '{channel}'; kies uit {known}.",
    "work_admin.error.line": "De lijn moet 1, 2 of 3 zijn.",
    "work_admin.error.target": "Een doel ligt tussen 0 en {max} werkminuten.",
    "work_admin.error.sla_duplicate": "{product} heeft al een beleid voor kanaal '{channel}' "
    "op lijn {line}; wijzig dat.",
    "work_admin.error.tz": "Onbekende tijdzone '{tz}' (bijvoorbeeld Europe/Amsterdam).",
    "work_admin.error.time": "Schrijf een tijd als UU:MM (niet '{value}').",
    "work_admin.error.hours": "Het kantoor moet opengaan voordat het sluit.",
    "work_admin.error.workdays": "Kies minstens één werkdag.",
    "work_admin.error.label": "De omschrijving is te lang (hoogstens 200 tekens).",
    "work_admin.error.closing_duplicate": "{day} is al een sluitingsdag.",
    "work_admin.error.warn_share": "Waarschuwen kan bij 1% tot 99% van het doel.",
    "work_admin.error.raise_priority": "Verhoog de prioriteit met 0 tot {max}.",
    "work_admin.error.direct_reply": "Lijnen die de klant antwoorden: de 1e lijn altijd, en "
    "de 2e en/of 3e.",
    "work_admin.error.days": "Werkdagen liggen tussen 0 en {max}.",
    "work_admin.error.close_after_reminder": "Automatisch sluiten moet na de herinnering "
    "komen (of zet de herinnering op 0).",
    "work_admin.error.mode": "Onbekende manier '{mode}'; kies uit, om de beurt of minst belast.",
    "work_admin.error.language": "De taal moet nl of en zijn.",
    "work_admin.error.code": "Code: 1 tot 50 tekens uit a-z, 0-9, _ en - (niet '{code}').",
    "work_admin.error.template_text": "Een sjabloon heeft een titel (hoogstens 200 tekens) en "
    "een tekst nodig.",
    "work_admin.error.variables": "Onbekende variabele(n): {unknown}. Dit sjabloon kan "
    "gebruiken: {known}.",
    "work_admin.error.template_duplicate": "{product} heeft al een sjabloon '{code}' in taal "
    "'{language}'.",
}

EN: dict[str, str] = {
    "work_admin.nav": "Work setup",
    "work_admin.title": "Work setup",
    "work_admin.intro": "How work runs: SLA targets, office hours, settings per product, "
    "automatic assignment and reply templates.",
    "work_admin.back": "Back to Work setup",
    "work_admin.save": "Save",
    "work_admin.delete": "Delete",
    "work_admin.saved": "Saved.",
    "work_admin.actions": "Actions",
    "work_admin.product": "Product",
    "work_admin.channel": "Channel",
    "work_admin.show": "Show",
    "work_admin.active": "Active",
    "work_admin.when.title": "When a change applies",
    "work_admin.applies.plan": "Changes apply to contacts that arrive from now on, at most a "
    "minute after saving (each worker keeps these settings for up to a minute). A contact "
    "gets its work plan once, when it starts: the SLA targets of every line, the office hours "
    "and the product settings. Contacts already open keep the plan they started with, also "
    "when they move to the 2nd or 3rd line later.",
    "work_admin.applies.calendar": "Office hours and closing days apply to contacts that "
    "arrive from now on, at most a minute after saving (each worker keeps the calendar for up "
    "to a minute). Contacts already open keep the calendar they started with.",
    "work_admin.applies.queues": "1st line: automatic assignment happens when a new contact "
    "starts, so for contacts that arrive from now on. 2nd and 3rd line: at the moment a "
    "contact lands on that list (escalation, hand-back, complaint), also when the contact was "
    "already open. Only signed-in staff accredited for the product (and the line) get work "
    "this way.",
    "work_admin.applies.templates": "Templates apply at once, also to contacts already open: "
    "a template is read when an agent picks it, or when the workflow makes a letter (reminder, "
    "complaint term extension). A switched-off template leaves the agents' list; a letter then "
    "gets its built-in text.",
    "work_admin.sla.title": "SLA policies",
    "work_admin.sla.intro": "First-response and resolution targets per product, channel and line.",
    "work_admin.sla.help": "A policy without a channel is the product's default; a policy for "
    "a channel comes first. Without a policy the built-in default applies.",
    "work_admin.sla.default_channel": "Default (every channel)",
    "work_admin.sla.first_response": "First response",
    "work_admin.sla.resolution": "Resolution",
    "work_admin.sla.none": "No SLA policies yet.",
    "work_admin.sla.hours_hint": "In working hours:minutes, e.g. 16:00 or 1:30. 0:00 = no target.",
    "work_admin.sla.add": "Add an SLA policy",
    "work_admin.sla.add_button": "Add",
    "work_admin.channel.email": "E-mail",
    "work_admin.channel.phone": "Phone",
    "work_admin.channel.webform": "Web form",
    "work_admin.channel.counter": "Counter",
    "work_admin.channel.letter": "Letter",
    "work_admin.calendar.title": "Office calendar",
    "work_admin.calendar.intro": "Office hours, workdays, public holidays, time zone and "
    "closing days: when the SLA clock runs.",
    "work_admin.calendar.hours": "Office hours",
    "work_admin.calendar.open": "Opens at",
    "work_admin.calendar.close": "Closes at",
    "work_admin.calendar.workdays": "Workdays",
    "work_admin.calendar.public_holidays": "Closed on Dutch public holidays",
    "work_admin.calendar.public_holidays_hint": "Off for a desk that works every day.",
    "work_admin.calendar.tz": "Time zone",
    "work_admin.calendar.closing_days": "Closing days",
    "work_admin.calendar.day": "Date",
    "work_admin.calendar.label": "Description",
    "work_admin.calendar.no_closing_days": "No closing days.",
    "work_admin.calendar.add_day": "Add a closing day",
    "work_admin.calendar.coming_holidays": "Coming Dutch public holidays",
    "work_admin.calendar.holidays_off": "Public holidays are off: the SLA clock runs on these "
    "days.",
    "work_admin.weekday.0": "Monday",
    "work_admin.weekday.1": "Tuesday",
    "work_admin.weekday.2": "Wednesday",
    "work_admin.weekday.3": "Thursday",
    "work_admin.weekday.4": "Friday",
    "work_admin.weekday.5": "Saturday",
    "work_admin.weekday.6": "Sunday",
    "work_admin.products.title": "Work settings per product",
    "work_admin.products.intro": "Warnings, priority on breach, who replies to the customer "
    "directly, reminders and automatic closing.",
    "work_admin.products.warn_share": "Warn at (% of the target)",
    "work_admin.products.warn_share_hint": "E.g. 80: warn when 80% of the time is used.",
    "work_admin.products.raise_priority": "Raise the priority on breach by",
    "work_admin.products.raise_priority_hint": "0 = the priority stays as it is.",
    "work_admin.products.direct_reply": "Lines that reply to the customer themselves",
    "work_admin.products.reminder_days": "Reminder after (working days waiting for the customer)",
    "work_admin.products.close_days": "Close automatically after (working days waiting for the "
    "customer)",
    "work_admin.products.days_hint": "0 = never. Closing must come after the reminder.",
    "work_admin.queues.title": "Automatic assignment",
    "work_admin.queues.intro": "Per product and line: off, in turn, or to whoever has least.",
    "work_admin.queues.help": "New work on a list can go to a signed-in member of staff "
    "automatically.",
    "work_admin.mode.off": "Off",
    "work_admin.mode.round_robin": "In turn",
    "work_admin.mode.least_loaded": "Least loaded",
    "work_admin.mode.off.help": "Nobody gets the work by itself; staff take it.",
    "work_admin.mode.round_robin.help": "In turn to the next signed-in member of staff.",
    "work_admin.mode.least_loaded.help": "To the signed-in member of staff with the fewest "
    "contacts in hand.",
    "work_admin.templates.title": "Reply templates",
    "work_admin.templates.intro": "Templates per product and language, with variables.",
    "work_admin.templates.variables": "Variables",
    "work_admin.templates.variables_editor": "In agents' replies these variables are filled in:",
    "work_admin.templates.variables_letters": "Letters the workflow sends itself (template "
    "codes {codes}) fill in only these variables, in title and text:",
    "work_admin.templates.code": "Code",
    "work_admin.templates.code_hint": "Lower-case letters, digits, _ and -. A workflow letter "
    "uses the template with its code.",
    "work_admin.templates.language": "Language",
    "work_admin.templates.name": "Title",
    "work_admin.templates.body": "Text",
    "work_admin.templates.none": "No templates for this product yet.",
    "work_admin.templates.add": "Add a template",
    "work_admin.templates.edit": "Edit template",
    "work_admin.templates.back": "Back to the templates",
    "work_admin.templates.active_hint": "Switched off, the template leaves the agents' list.",
    "work_admin.var.customer_name": "the customer's name (from the last e-mail)",
    "work_admin.var.reference": "the contact's reference",
    "work_admin.var.subject": "the contact's subject",
    "work_admin.var.agent_name": "the agent's name",
    "work_admin.var.product_name": "the product's name",
    "work_admin.var.due_date": "the new end of the complaint term (extension letter)",
    "work_admin.error.product": "Unknown product {id}.",
    "work_admin.error.working_time": "Write a target as working hours:minutes, e.g. 16:00 "
    "(got '{value}').",
    "work_admin.error.channel": "Unknown channel '{channel}'; use one of {known}.",
    "work_admin.error.line": "The line must be 1, 2 or 3.",
    "work_admin.error.target": "A target must be between 0 and {max} working minutes.",
    "work_admin.error.sla_duplicate": "{product} already has a policy for channel '{channel}' "
    "on line {line}; edit that one.",
    "work_admin.error.tz": "Unknown time zone '{tz}' (e.g. Europe/Amsterdam).",
    "work_admin.error.time": "Write a time as HH:MM (got '{value}').",
    "work_admin.error.hours": "The office must open before it closes.",
    "work_admin.error.workdays": "Choose at least one workday.",
    "work_admin.error.label": "The description is too long (max 200 characters).",
    "work_admin.error.closing_duplicate": "{day} is already a closing day.",
    "work_admin.error.warn_share": "The warning share must be between 1% and 99%.",
    "work_admin.error.raise_priority": "Raise the priority by 0 to {max}.",
    "work_admin.error.direct_reply": "Lines replying to the customer: the 1st always, and the "
    "2nd and/or 3rd.",
    "work_admin.error.days": "Working days must be between 0 and {max}.",
    "work_admin.error.close_after_reminder": "Automatic closing must come after the reminder "
    "(or set the reminder to 0).",
    "work_admin.error.mode": "Unknown mode '{mode}'; use off, round_robin or least_loaded.",
    "work_admin.error.language": "The language must be nl or en.",
    "work_admin.error.code": "The code: 1-50 of a-z, 0-9, _ and - (got '{code}').",
    "work_admin.error.template_text": "A template needs a title (max 200) and a text.",
    "work_admin.error.variables": "Unknown variable(s): {unknown}. This template may use: {known}.",
    "work_admin.error.template_duplicate": "{product} already has a template '{code}' in "
    "language '{language}'.",
}
