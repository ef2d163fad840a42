"""The wallboard: figures read from across the room."""

NL: dict[str, str] = {
    "wb.waiting": "wachtend",
    "wb.longest": "langste wachttijd",
    "wb.available": "beschikbaar",
    "wb.ringing": "gaat over",
    "wb.on_call": "in gesprek",
    "wb.paused": "pauze",
    "wb.abandoned": "opgehangen",
    "wb.level": "servicelevel",
    "wb.of_offered": "{x} van {y} opgenomen op tijd ({z} aangeboden)",
    "wb.none_offered": "nog geen gesprekken vandaag",
    "wb.alert": "let op",
    "wb.legend": "Rood: iemand wacht langer dan {n} s of het servicelevel is onder {p}%. "
    "Oranje: iemand wacht langer dan {h} s.",
    "phone.state.ringing": "Gaat over",
    "wb.written.title": "Schriftelijk (e-mail, webformulier, brief)",
    "wb.written.caption": "Openstaande schriftelijke contacten en de eerste reacties van vandaag",
    "wb.written.product": "Product",
    "wb.written.open": "open",
    "wb.written.oldest": "oudste (uur)",
    "wb.written.received": "vandaag binnen",
    "wb.written.first_response": "eerste reactie binnen SLA vandaag",
}

EN: dict[str, str] = {
    "wb.waiting": "waiting",
    "wb.longest": "longest wait",
    "wb.available": "available",
    "wb.ringing": "ringing",
    "wb.on_call": "on a call",
    "wb.paused": "paused",
    "wb.abandoned": "abandoned",
    "wb.level": "service level",
    "wb.of_offered": "{x} of {y} answered in time ({z} offered)",
    "wb.none_offered": "no calls yet today",
    "wb.alert": "attention",
    "wb.legend": "Red: someone waits longer than {n} s or the service level is below {p}%. "
    "Amber: someone waits longer than {h} s.",
    "phone.state.ringing": "Ringing",
    "wb.written.title": "Written (email, web form, letter)",
    "wb.written.caption": "Open written contacts and today's first responses",
    "wb.written.product": "Product",
    "wb.written.open": "open",
    "wb.written.oldest": "oldest (hours)",
    "wb.written.received": "received today",
    "wb.written.first_response": "first response within SLA today",
}
