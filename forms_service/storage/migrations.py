"""Schema versions, applied in order by ``Database.migrate``. Never edit a shipped one: add.

``{id}`` becomes the dialect's auto-increment primary key. Personal data is kept
to what the desk team needs; no IP addresses or user agents are stored.
"""

MIGRATIONS = (
    (
        1,
        (
            """CREATE TABLE pre_applications (
            id {id},
            reference TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL,
            lang TEXT NOT NULL,
            full_name TEXT NOT NULL,
            phone TEXT,
            email TEXT,
            address TEXT NOT NULL,
            household_size INTEGER NOT NULL,
            tenancy_start TEXT NOT NULL,
            heating TEXT NOT NULL,
            band TEXT NOT NULL,
            isee TEXT NOT NULL,
            arrears BOOLEAN NOT NULL,
            repayment_plan BOOLEAN NOT NULL,
            preferred_desk TEXT NOT NULL,
            consent_at TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'new'
        )""",
            """CREATE TABLE event_places (
            event_id TEXT PRIMARY KEY,
            confirmed_people INTEGER NOT NULL DEFAULT 0
        )""",
            """CREATE TABLE registrations (
            id {id},
            reference TEXT NOT NULL UNIQUE,
            event_id TEXT NOT NULL,
            created_at TEXT NOT NULL,
            lang TEXT NOT NULL,
            full_name TEXT NOT NULL,
            phone TEXT,
            email TEXT,
            people INTEGER NOT NULL,
            status TEXT NOT NULL,
            consent_at TEXT NOT NULL,
            cancelled_at TEXT,
            promoted_at TEXT
        )""",
            "CREATE INDEX registrations_event ON registrations (event_id, status, id)",
            """CREATE TABLE idempotency_keys (
            key TEXT PRIMARY KEY,
            scope TEXT NOT NULL,
            reference TEXT,
            created_at TEXT NOT NULL
        )""",
        ),
    ),
)
