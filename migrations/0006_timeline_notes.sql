-- +goose Up
-- Notes the code writes into a timeline (a case's thread, a Meet
-- migration's steps) are kept as a message id with typed arguments, so each
-- reader sees them in their language and date format (issue 7 §6). The text
-- columns keep the English text beside them.
ALTER TABLE case_comments ADD COLUMN body_msg jsonb
    CHECK (body_msg IS NULL OR (jsonb_typeof(body_msg) = 'object' AND body_msg ? 'text'));
ALTER TABLE meet_migration_steps ADD COLUMN note_msg jsonb
    CHECK (note_msg IS NULL OR (jsonb_typeof(note_msg) = 'object' AND note_msg ? 'text'));

-- Backfill the notes written before, from their English text.
UPDATE meet_migration_steps
   SET note_msg = jsonb_build_object('text', 'Case #{{.ID}}', 'args',
       jsonb_build_array(jsonb_build_object('name', 'ID', 'int', (substring(note FROM '^case #([0-9]+)$'))::bigint)))
 WHERE note ~ '^case #[0-9]+$';
UPDATE meet_migration_steps
   SET note_msg = jsonb_build_object('text', 'Offer #{{.ID}}', 'args',
       jsonb_build_array(jsonb_build_object('name', 'ID', 'int', (substring(note FROM '^offer #([0-9]+)$'))::bigint)))
 WHERE note ~ '^offer #[0-9]+$';
UPDATE meet_migration_steps
   SET note_msg = jsonb_build_object('text', 'Subscription #{{.ID}}', 'args',
       jsonb_build_array(jsonb_build_object('name', 'ID', 'int', (substring(note FROM '^subscription #([0-9]+)$'))::bigint)))
 WHERE note ~ '^subscription #[0-9]+$';
UPDATE meet_migration_steps SET note_msg = jsonb_build_object('text', 'Other resellers informed.')
 WHERE note = 'other resellers informed';
UPDATE meet_migration_steps SET note_msg = jsonb_build_object('text', 'Distributor informed.')
 WHERE note = '; distributor informed';
UPDATE meet_migration_steps SET note_msg = jsonb_build_object('text', 'Other resellers and the distributor informed.')
 WHERE note = 'other resellers informed; distributor informed';
UPDATE meet_migration_steps
   SET note_msg = jsonb_build_object('text', 'Public reseller id {{.ID}}', 'args',
       jsonb_build_array(jsonb_build_object('name', 'ID', 'text', note)))
 WHERE step = 5 AND note <> '' AND note_msg IS NULL
   AND migration_id IN (SELECT id FROM meet_migrations WHERE path = 'reseller');
UPDATE meet_migration_steps AS s
   SET note_msg = jsonb_build_object('text', 'Converted {{.N}} Meet hardware subscription(s) to the temporary online grace plan until {{.Date}}.', 'args',
       jsonb_build_array(jsonb_build_object('name', 'N', 'int', (m)[1]::bigint),
                         jsonb_build_object('name', 'Date', 'date', (m)[2] || 'T00:00:00Z')))
  FROM (SELECT migration_id, step, regexp_match(note, '^Converted ([0-9]+) Meet hardware subscription\(s\) to the temporary online grace plan until ([0-9]{4}-[0-9]{2}-[0-9]{2})\.$') AS m
          FROM meet_migration_steps) AS x
 WHERE x.migration_id = s.migration_id AND x.step = s.step AND x.m IS NOT NULL;
UPDATE case_comments AS c
   SET body_msg = jsonb_build_object('text', 'Converted {{.N}} Meet hardware subscription(s) to the temporary online grace plan until {{.Date}}.', 'args',
       jsonb_build_array(jsonb_build_object('name', 'N', 'int', (m)[1]::bigint),
                         jsonb_build_object('name', 'Date', 'date', (m)[2] || 'T00:00:00Z')))
  FROM (SELECT id, regexp_match(body, '^Converted ([0-9]+) Meet hardware subscription\(s\) to the temporary online grace plan until ([0-9]{4}-[0-9]{2}-[0-9]{2})\.$') AS m
          FROM case_comments WHERE from_desk) AS x
 WHERE x.id = c.id AND x.m IS NOT NULL;

-- +goose Down
ALTER TABLE meet_migration_steps DROP COLUMN note_msg;
ALTER TABLE case_comments DROP COLUMN body_msg;
