"""Italian words volunteers write for field names, and the English field each one means.

Field names are English (``neighbourhood``), but a volunteer thinks in Italian and
writes ``quartiere:``. Spelling alone cannot connect the two, so this one table does;
tests/test_model_validation.py checks that every English name here is a real field.
"""

from __future__ import annotations

from .fields import suggestion

# English field -> Italian words for it (lower case, underscores for spaces).
ITALIAN_NAMES = {
    "name": ("nome",),
    "neighbourhood": ("quartiere", "zona"),
    "address": ("indirizzo",),
    "schedule": ("orari", "orario", "orari_di_apertura"),
    "weekly": ("settimanale", "settimana", "ogni_settimana"),
    "exceptions": ("eccezioni", "chiusure"),
    "valid_from": ("valido_dal", "valido_da", "dal"),
    "valid_until": ("valido_fino_al", "valido_fino", "fino_al"),
    "timezone": ("fuso_orario", "fuso"),
    "day": ("giorno",),
    "opens": ("apre", "apertura", "dalle"),
    "closes": ("chiude", "chiusura", "alle"),
    "date": ("data", "giorno_di"),
    "kind": ("tipo",),
    "reason": ("motivo",),
    "state": ("stato",),
    "status": ("stato",),
    "street": ("via",),
    "city": ("città", "citta", "comune"),
    "note": ("nota", "note"),
    "title": ("titolo", "nome"),
    "heading": ("titolo", "intestazione"),
    "summary": ("riassunto", "sommario", "presentazione", "sintesi"),
    "description": ("descrizione",),
    "body": ("testo", "corpo"),
    "sections": ("sezioni",),
    "placement": ("posizione",),
    "updated": ("aggiornato", "aggiornamento", "data_aggiornamento", "modificato"),
    "roles": ("ruoli",),
    "people": ("persone",),
    "helps_with": ("aiuta", "aiuta_con", "aiuta_in"),
    "ask_about": ("domande", "chiedi"),
    "contacts": ("contatti", "telefono", "telefoni", "email", "mail"),
    "what_to_ask": ("cosa_chiedere", "domande"),
    "desks": ("sportelli",),
    "desk": ("sportello",),
    "place": ("luogo", "dove"),
    "start": ("inizio",),
    "end": ("fine",),
    "when": ("quando", "periodo"),
    "to_confirm": ("da_confermare", "confermare", "non_confermato", "data_da_confermare"),
    "field": ("campo",),
    "by": ("chi", "da_chi", "chi_conferma", "conferma"),
    "capacity": ("capienza", "posti", "capacità"),
    "max_group": ("gruppo_massimo", "massimo_persone", "persone_per_iscrizione"),
    "languages": ("lingue",),
    "signup": ("iscrizioni", "iscrizione"),
    "sessions": ("incontri", "lezioni", "date"),
    "audience": ("destinatari", "pubblico", "per_chi"),
    "how_to": ("come_fare",),
    "how_to_join": ("come_iscriversi", "iscrizione"),
    "how_to_apply": ("come_fare_domanda", "domanda"),
    "what_you_need": ("cosa_serve",),
    "what_you_get": ("cosa_si_ottiene",),
    "what_to_bring": ("cosa_portare", "documenti"),
    "what_happens_next": ("cosa_succede_dopo", "dopo"),
    "times": ("tempi", "scadenze"),
    "costs": ("costi", "costo", "prezzo"),
    "action": ("azione", "linea_di_azione"),
    "funding": ("finanziamento", "fondi"),
    "rules": ("regole",),
    "min": ("minimo",),
    "max": ("massimo",),
    "bands": ("fasce",),
    "max_amount": ("importo_massimo",),
    "application_window": ("periodo_domanda", "periodo_delle_domande"),
    "code": ("codice",),
    "dir": ("direzione",),
    "label": ("etichetta",),
    "value": ("valore", "numero"),
    "retention": ("conservazione",),
    "season": ("stagione", "stagione_riscaldamento"),
    "elsewhere": ("altri_aiuti", "altrove"),
    "online_forms": ("moduli", "moduli_online"),
    "in_footer": ("a_fondo_pagina", "nel_footer"),
}


def _normal(key: str) -> str:
    return key.strip().lower().replace(" ", "_").replace("-", "_")


def field_hint(key: str, fields) -> tuple[str, bool]:
    """The field an unknown key probably means, and whether it was an Italian word."""
    word = _normal(key)
    italian = {w: name for name in fields for w in ITALIAN_NAMES.get(name, ())}
    if word in italian:
        return italian[word], True
    spelled = suggestion(key, fields)
    if spelled:
        return spelled, False
    near = suggestion(word, italian)  # a misspelt Italian word: "quartire"
    return (italian[near], True) if near else ("", False)
