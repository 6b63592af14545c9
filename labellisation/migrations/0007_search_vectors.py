"""Full-text search of the public side on PostgreSQL (SQLite, the default run, has none).

- `french_unaccent`: the French configuration whose words lose their accents before
  stemming, so that "dechets" finds "déchets" and "thies" finds "Thiès". The library
  of reports uses it too (reports' own migration depends on this one).
- `expect_country_names(code)`: a country's names in French and English, taken from
  django-countries when the migration runs, so that "Sénégal" or "Senegal" finds SN.
- `labellisation_label.search_vector`: a label's words (collectivity, theme, region,
  described expertise, actions, earlier cooperation), weighted and GIN-indexed. The
  column is kept by triggers, whatever writes the rows (services, admin, bulk
  inserts, raw SQL); it is no Django field so that no query of labels ever loads it.
"""

import json

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

CONFIGURATION = """
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
    CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
    ALTER TEXT SEARCH CONFIGURATION french_unaccent
      ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
  END IF;
END $$;
"""

COUNTRY_NAMES = """
CREATE OR REPLACE FUNCTION expect_country_names(code text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT coalesce(%s::jsonb ->> code, code)
$fn$;
"""

LABEL_VECTOR = """
ALTER TABLE labellisation_label ADD COLUMN search_vector tsvector;
CREATE INDEX labellisation_label_search_vector ON labellisation_label USING gin (search_vector);

CREATE OR REPLACE FUNCTION labellisation_label_search_vector() RETURNS trigger
LANGUAGE plpgsql AS $fn$
DECLARE
  about record;
BEGIN
  SELECT c.name AS collectivity, concat_ws(' ', t.name, t.name_en) AS theme,
         rg.name AS region, a.expertise, a.territory_actions,
         (SELECT string_agg(concat_ws(' ', p.partner, expect_country_names(p.country),
                                      p.description), ' ')
            FROM labellisation_cooperationproject p
           WHERE p.application_id = a.id) AS projects
    INTO about
    FROM labellisation_labelapplication a
    JOIN organisations_theme t ON t.id = NEW.theme_id
    JOIN organisations_collectivity c ON c.id = NEW.collectivity_id
    LEFT JOIN organisations_region rg ON rg.code = c.region_id
   WHERE a.id = NEW.application_id;
  NEW.search_vector :=
       setweight(to_tsvector('french_unaccent', concat_ws(' ', about.collectivity, about.theme)), 'A')
    || setweight(to_tsvector('french_unaccent', coalesce(about.expertise, '')), 'B')
    || setweight(to_tsvector('french_unaccent', coalesce(about.territory_actions, '')), 'C')
    || setweight(to_tsvector('french_unaccent', concat_ws(' ', about.region, about.projects)), 'D');
  RETURN NEW;
END
$fn$;

CREATE TRIGGER labellisation_label_search_vector
  BEFORE INSERT OR UPDATE ON labellisation_label
  FOR EACH ROW EXECUTE FUNCTION labellisation_label_search_vector();

-- What a label's words come from: a change there rewrites the vectors concerned
-- (setting the column fires the trigger above, which computes it again).
CREATE OR REPLACE FUNCTION labellisation_refresh_label_vectors() RETURNS trigger
LANGUAGE plpgsql AS $fn$
DECLARE
  row_ record;
BEGIN
  IF TG_OP = 'DELETE' THEN row_ := OLD; ELSE row_ := NEW; END IF;
  IF TG_TABLE_NAME = 'organisations_theme' THEN
    UPDATE labellisation_label SET search_vector = NULL WHERE theme_id = row_.id;
  ELSIF TG_TABLE_NAME = 'organisations_collectivity' THEN
    UPDATE labellisation_label SET search_vector = NULL WHERE collectivity_id = row_.id;
  ELSIF TG_TABLE_NAME = 'organisations_region' THEN
    UPDATE labellisation_label l SET search_vector = NULL
      FROM organisations_collectivity c
     WHERE l.collectivity_id = c.id AND c.region_id = row_.code;
  ELSIF TG_TABLE_NAME = 'labellisation_labelapplication' THEN
    UPDATE labellisation_label SET search_vector = NULL WHERE application_id = row_.id;
  ELSIF TG_TABLE_NAME = 'labellisation_cooperationproject' THEN
    UPDATE labellisation_label SET search_vector = NULL WHERE application_id = row_.application_id;
  END IF;
  RETURN NULL;
END
$fn$;

CREATE TRIGGER labellisation_label_vectors_on_theme
  AFTER UPDATE ON organisations_theme FOR EACH ROW
  WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.name_en IS DISTINCT FROM NEW.name_en)
  EXECUTE FUNCTION labellisation_refresh_label_vectors();
CREATE TRIGGER labellisation_label_vectors_on_collectivity
  AFTER UPDATE ON organisations_collectivity FOR EACH ROW
  WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.region_id IS DISTINCT FROM NEW.region_id)
  EXECUTE FUNCTION labellisation_refresh_label_vectors();
CREATE TRIGGER labellisation_label_vectors_on_region
  AFTER UPDATE ON organisations_region FOR EACH ROW
  WHEN (OLD.name IS DISTINCT FROM NEW.name)
  EXECUTE FUNCTION labellisation_refresh_label_vectors();
CREATE TRIGGER labellisation_label_vectors_on_application
  AFTER UPDATE ON labellisation_labelapplication FOR EACH ROW
  WHEN (OLD.expertise IS DISTINCT FROM NEW.expertise
        OR OLD.territory_actions IS DISTINCT FROM NEW.territory_actions)
  EXECUTE FUNCTION labellisation_refresh_label_vectors();
CREATE TRIGGER labellisation_label_vectors_on_project
  AFTER INSERT OR UPDATE OR DELETE ON labellisation_cooperationproject FOR EACH ROW
  EXECUTE FUNCTION labellisation_refresh_label_vectors();

UPDATE labellisation_label SET search_vector = NULL;
"""

LABEL_VECTOR_REVERSE = """
DROP TRIGGER IF EXISTS labellisation_label_vectors_on_project ON labellisation_cooperationproject;
DROP TRIGGER IF EXISTS labellisation_label_vectors_on_application ON labellisation_labelapplication;
DROP TRIGGER IF EXISTS labellisation_label_vectors_on_region ON organisations_region;
DROP TRIGGER IF EXISTS labellisation_label_vectors_on_collectivity ON organisations_collectivity;
DROP TRIGGER IF EXISTS labellisation_label_vectors_on_theme ON organisations_theme;
DROP FUNCTION IF EXISTS labellisation_refresh_label_vectors();
DROP TRIGGER IF EXISTS labellisation_label_search_vector ON labellisation_label;
DROP FUNCTION IF EXISTS labellisation_label_search_vector();
ALTER TABLE labellisation_label DROP COLUMN IF EXISTS search_vector;
"""


def _country_names() -> str:
    from django.utils import translation
    from django_countries import countries

    names: dict[str, list[str]] = {}
    for language in ("fr", "en"):
        with translation.override(language):
            for code, name in countries:
                if name not in names.setdefault(code, []):
                    names[code].append(name)
    return json.dumps({code: " ".join(both) for code, both in names.items()}, ensure_ascii=False)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CONFIGURATION, params=None)
    literal = "'" + _country_names().replace("'", "''") + "'"
    schema_editor.execute(COUNTRY_NAMES % literal, params=None)
    schema_editor.execute(LABEL_VECTOR, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(LABEL_VECTOR_REVERSE, params=None)
    schema_editor.execute("DROP FUNCTION IF EXISTS expect_country_names(text);")
    schema_editor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent;")


class Migration(migrations.Migration):
    dependencies = [
        ("labellisation", "0006_int_text_limits"),
        ("organisations", "0004_merge_wave2"),
    ]

    operations = [
        UnaccentExtension(),
        migrations.RunPython(forwards, backwards),
    ]
