-- The case database schema on main at 2c4a587 (created by Base.metadata.create_all, no Alembic).

-- tests/test_migrations.py builds a database from it and checks that opening it upgrades it.

CREATE TABLE cases (
	id INTEGER NOT NULL, 
	reference VARCHAR(64) NOT NULL, 
	received DATE NOT NULL, 
	regime VARCHAR(16) NOT NULL, 
	due_date DATE NOT NULL, 
	extended_due_date DATE, 
	request_text TEXT NOT NULL, 
	requester_name TEXT NOT NULL, 
	requester_email TEXT NOT NULL, 
	requester_address TEXT NOT NULL, 
	requester_phone TEXT NOT NULL, 
	status VARCHAR(32) NOT NULL, 
	slack_channel VARCHAR(64) NOT NULL, 
	slack_thread_ts VARCHAR(64) NOT NULL, 
	created_at VARCHAR(40) NOT NULL, 
	warnings JSON NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (reference)
);

CREATE INDEX ix_cases_created_at ON cases (created_at);

CREATE INDEX ix_cases_status ON cases (status);

CREATE INDEX ix_cases_thread ON cases (slack_channel, slack_thread_ts);

CREATE TABLE processed_events (
	event_id VARCHAR(255) NOT NULL, 
	seen_at FLOAT NOT NULL, 
	PRIMARY KEY (event_id)
);

CREATE INDEX ix_processed_events_seen_at ON processed_events (seen_at);

CREATE TABLE reference_counters (
	prefix VARCHAR(32) NOT NULL, 
	year INTEGER NOT NULL, 
	last INTEGER NOT NULL, 
	PRIMARY KEY (prefix, year)
);

CREATE TABLE slack_messages (
	reference VARCHAR(64) NOT NULL, 
	number INTEGER NOT NULL, 
	channel VARCHAR(64) NOT NULL, 
	ts VARCHAR(64) NOT NULL, 
	PRIMARY KEY (reference, number)
);

CREATE TABLE case_questions (
	id INTEGER NOT NULL, 
	case_id INTEGER NOT NULL, 
	number INTEGER NOT NULL, 
	text TEXT NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_case_questions_case_number UNIQUE (case_id, number), 
	FOREIGN KEY(case_id) REFERENCES cases (id) ON DELETE CASCADE
);

CREATE INDEX ix_case_questions_case_id ON case_questions (case_id);

CREATE TABLE draft_versions (
	id INTEGER NOT NULL, 
	question_id INTEGER NOT NULL, 
	version INTEGER NOT NULL, 
	disposition VARCHAR(64) NOT NULL, 
	exemptions JSON NOT NULL, 
	wording TEXT NOT NULL, 
	confidence FLOAT NOT NULL, 
	precedents JSON NOT NULL, 
	warnings JSON NOT NULL, 
	alternatives JSON NOT NULL, 
	advice TEXT NOT NULL, 
	author VARCHAR(255) NOT NULL, 
	created_at VARCHAR(40) NOT NULL, 
	note TEXT NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_draft_versions_question_version UNIQUE (question_id, version), 
	FOREIGN KEY(question_id) REFERENCES case_questions (id) ON DELETE CASCADE
);

CREATE INDEX ix_draft_versions_question_id ON draft_versions (question_id);
