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
    # The desk team's side: accounts, their server-side sessions, the audit log, and the
    # history of each pre-application's status.
    (
        2,
        (
            """CREATE TABLE staff_accounts (
            id {id},
            username TEXT NOT NULL UNIQUE,
            role TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            created_at TEXT NOT NULL,
            password_changed_at TEXT NOT NULL,
            disabled_at TEXT
        )""",
            """CREATE TABLE staff_sessions (
            id TEXT PRIMARY KEY,
            account_id BIGINT NOT NULL,
            created_at TEXT NOT NULL,
            last_seen_at TEXT NOT NULL,
            ended_at TEXT
        )""",
            """CREATE TABLE audit_log (
            id {id},
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            subject TEXT,
            data TEXT NOT NULL
        )""",
            "CREATE INDEX audit_log_at ON audit_log (at)",
            """CREATE TABLE status_changes (
            id {id},
            reference TEXT NOT NULL,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            old_status TEXT NOT NULL,
            new_status TEXT NOT NULL,
            note TEXT
        )""",
            "CREATE INDEX status_changes_reference ON status_changes (reference, id)",
            "ALTER TABLE pre_applications ADD COLUMN assisted_by TEXT",
            "ALTER TABLE pre_applications ADD COLUMN privacy_on_paper BOOLEAN NOT NULL "
            "DEFAULT FALSE",
        ),
    ),
    # Behind the forms: the outbox (e-mail written in the submission's transaction, sent later
    # by `portal send-mail`), and what the desk team records on a registration.
    (
        3,
        (
            """CREATE TABLE outbox (
            id {id},
            created_at TEXT NOT NULL,
            kind TEXT NOT NULL,
            reference TEXT NOT NULL,
            recipient TEXT NOT NULL,
            lang TEXT NOT NULL,
            subject TEXT NOT NULL,
            body TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT NOT NULL,
            sent_at TEXT,
            gave_up_at TEXT,
            last_error TEXT
        )""",
            "CREATE INDEX outbox_due ON outbox (sent_at, gave_up_at, next_attempt_at)",
            "CREATE INDEX outbox_reference ON outbox (reference)",
            "ALTER TABLE registrations ADD COLUMN assisted_by TEXT",
            "ALTER TABLE registrations ADD COLUMN privacy_on_paper BOOLEAN NOT NULL DEFAULT FALSE",
            "ALTER TABLE registrations ADD COLUMN attended BOOLEAN",
        ),
    ),
    # Statistics without names: what `portal purge` (and an erasure on request) folds in just
    # before deleting the rows, so the numbers for the Region survive the people's deletion.
    # Months are Europe/Rome's (YYYY-MM) of when the row was made; "assisted" is a desk entry.
    (
        4,
        (
            """CREATE TABLE folded_pre_applications (
            month TEXT NOT NULL,
            desk TEXT NOT NULL,
            lang TEXT NOT NULL,
            status TEXT NOT NULL,
            assisted BOOLEAN NOT NULL,
            pre_applications INTEGER NOT NULL,
            PRIMARY KEY (month, desk, lang, status, assisted)
        )""",
            """CREATE TABLE folded_registrations (
            event_id TEXT NOT NULL,
            month TEXT NOT NULL,
            status TEXT NOT NULL,
            assisted BOOLEAN NOT NULL,
            registrations INTEGER NOT NULL,
            people INTEGER NOT NULL,
            attended_people INTEGER NOT NULL,
            absent_people INTEGER NOT NULL,
            PRIMARY KEY (event_id, month, status, assisted)
        )""",
        ),
    ),
    # What an attacker found in the resident forms (issue #9): an idempotency key is bound to
    # the body it first stored (its hash), and the grant questionnaire's answers in progress
    # wait here, under a random id, instead of in the browser's cookie (60 minutes idle).
    (
        5,
        (
            "ALTER TABLE idempotency_keys ADD COLUMN body_hash TEXT",
            """CREATE TABLE form_drafts (
            id TEXT PRIMARY KEY,
            data TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
            "CREATE INDEX form_drafts_updated ON form_drafts (updated_at)",
        ),
    ),
)
