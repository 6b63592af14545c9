"""The library's full-text search on PostgreSQL (SQLite, the default run, has none).

`reports_missionreport.search_vector` holds a published report's words, weighted:
A the title (collectivity, partner authority, country in French and English), B the
summary and the theme, C the results and recommendations, D the rest of the
structured part and the partner's place. A report that is not published has none,
so that no search can ever reach it. Triggers keep the column right whatever writes
the rows (services, admin, bulk inserts, raw SQL), including a renamed theme or
collectivity; it is no Django field so that no query of reports ever loads it.
The configuration `french_unaccent` and `expect_country_names` come from
labellisation's migration 0007.
"""

from django.db import migrations

REPORT_VECTOR = """
ALTER TABLE reports_missionreport ADD COLUMN search_vector tsvector;
CREATE INDEX reports_missionreport_search_vector
  ON reports_missionreport USING gin (search_vector);

CREATE OR REPLACE FUNCTION reports_missionreport_search_vector() RETURNS trigger
LANGUAGE plpgsql AS $fn$
DECLARE
  about record;
BEGIN
  IF NOT (NEW.is_published AND NEW.state = 'accepted') THEN
    NEW.search_vector := NULL;
    RETURN NEW;
  END IF;
  SELECT c.name AS collectivity, q.partner_name, q.partner_place,
         expect_country_names(q.country) AS country,
         concat_ws(' ', t.name, t.name_en) AS theme
    INTO about
    FROM missions_mission m
    JOIN missions_missionrequest q ON q.id = m.request_id
    JOIN organisations_theme t ON t.id = q.theme_id
    JOIN organisations_collectivity c ON c.id = m.collectivity_id
   WHERE m.id = NEW.mission_id;
  NEW.search_vector :=
       setweight(to_tsvector('french_unaccent',
                 concat_ws(' ', about.collectivity, about.partner_name, about.country)), 'A')
    || setweight(to_tsvector('french_unaccent', concat_ws(' ', NEW.summary, about.theme)), 'B')
    || setweight(to_tsvector('french_unaccent',
                 concat_ws(' ', NEW.results, NEW.recommendations)), 'C')
    || setweight(to_tsvector('french_unaccent',
                 concat_ws(' ', NEW.activities, NEW.follow_up, NEW.lessons,
                           about.partner_place)), 'D');
  RETURN NEW;
END
$fn$;

CREATE TRIGGER reports_missionreport_search_vector
  BEFORE INSERT OR UPDATE ON reports_missionreport
  FOR EACH ROW EXECUTE FUNCTION reports_missionreport_search_vector();

-- What a report's words come from: a change there rewrites the published reports
-- concerned (setting the column fires the trigger above, which computes it again).
CREATE OR REPLACE FUNCTION reports_refresh_search_vectors() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_TABLE_NAME = 'organisations_theme' THEN
    UPDATE reports_missionreport r SET search_vector = NULL
      FROM missions_mission m JOIN missions_missionrequest q ON q.id = m.request_id
     WHERE r.mission_id = m.id AND q.theme_id = NEW.id AND r.is_published;
  ELSIF TG_TABLE_NAME = 'organisations_collectivity' THEN
    UPDATE reports_missionreport r SET search_vector = NULL
      FROM missions_mission m
     WHERE r.mission_id = m.id AND m.collectivity_id = NEW.id AND r.is_published;
  ELSIF TG_TABLE_NAME = 'missions_missionrequest' THEN
    UPDATE reports_missionreport r SET search_vector = NULL
      FROM missions_mission m
     WHERE r.mission_id = m.id AND m.request_id = NEW.id AND r.is_published;
  ELSIF TG_TABLE_NAME = 'missions_mission' THEN
    UPDATE reports_missionreport SET search_vector = NULL
     WHERE mission_id = NEW.id AND is_published;
  END IF;
  RETURN NULL;
END
$fn$;

CREATE TRIGGER reports_search_vectors_on_theme
  AFTER UPDATE ON organisations_theme FOR EACH ROW
  WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.name_en IS DISTINCT FROM NEW.name_en)
  EXECUTE FUNCTION reports_refresh_search_vectors();
CREATE TRIGGER reports_search_vectors_on_collectivity
  AFTER UPDATE ON organisations_collectivity FOR EACH ROW
  WHEN (OLD.name IS DISTINCT FROM NEW.name)
  EXECUTE FUNCTION reports_refresh_search_vectors();
CREATE TRIGGER reports_search_vectors_on_request
  AFTER UPDATE ON missions_missionrequest FOR EACH ROW
  WHEN (OLD.partner_name IS DISTINCT FROM NEW.partner_name
        OR OLD.partner_place IS DISTINCT FROM NEW.partner_place
        OR OLD.country IS DISTINCT FROM NEW.country
        OR OLD.theme_id IS DISTINCT FROM NEW.theme_id)
  EXECUTE FUNCTION reports_refresh_search_vectors();
CREATE TRIGGER reports_search_vectors_on_mission
  AFTER UPDATE ON missions_mission FOR EACH ROW
  WHEN (OLD.collectivity_id IS DISTINCT FROM NEW.collectivity_id
        OR OLD.request_id IS DISTINCT FROM NEW.request_id)
  EXECUTE FUNCTION reports_refresh_search_vectors();

UPDATE reports_missionreport SET search_vector = NULL WHERE is_published;
"""

REPORT_VECTOR_REVERSE = """
DROP TRIGGER IF EXISTS reports_search_vectors_on_mission ON missions_mission;
DROP TRIGGER IF EXISTS reports_search_vectors_on_request ON missions_missionrequest;
DROP TRIGGER IF EXISTS reports_search_vectors_on_collectivity ON organisations_collectivity;
DROP TRIGGER IF EXISTS reports_search_vectors_on_theme ON organisations_theme;
DROP FUNCTION IF EXISTS reports_refresh_search_vectors();
DROP TRIGGER IF EXISTS reports_missionreport_search_vector ON reports_missionreport;
DROP FUNCTION IF EXISTS reports_missionreport_search_vector();
ALTER TABLE reports_missionreport DROP COLUMN IF EXISTS search_vector;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REPORT_VECTOR, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REPORT_VECTOR_REVERSE, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0004_merge_wave2"),
        ("missions", "0006_int_text_limits"),
        ("labellisation", "0007_search_vectors"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
