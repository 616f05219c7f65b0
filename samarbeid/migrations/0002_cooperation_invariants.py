"""What PostgreSQL guards beyond the models' own constraints, checked when the transaction
commits (the services make the checks immediate at the end of each action, so a refusal is
a message, not a failed commit):

- every participant of a shared arrangement is a member of its cooperation, and the
  participation's cooperation is its arrangement's (composite foreign keys);
- the host of a shared arrangement (whose service or room it is) is a member;
- a cooperation has at least two members, a shared arrangement at least two participants.

The constraint names are the ones `samarbeid.services.DEFERRED_CHECKS` explains.
"""

from django.db import migrations

FORWARD = """
ALTER TABLE samarbeid_participation
    ADD CONSTRAINT participation_is_member
    FOREIGN KEY (cooperation_id, municipality_id)
    REFERENCES samarbeid_cooperationmembership (cooperation_id, municipality_id)
    DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE samarbeid_participation
    ADD CONSTRAINT participation_same_cooperation
    FOREIGN KEY (arrangement_id, cooperation_id)
    REFERENCES samarbeid_sharedarrangement (id, cooperation_id)
    DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE samarbeid_sharedarrangement
    ADD CONSTRAINT shared_arrangement_host_is_member
    FOREIGN KEY (cooperation_id, host_id)
    REFERENCES samarbeid_cooperationmembership (cooperation_id, municipality_id)
    DEFERRABLE INITIALLY DEFERRED;

CREATE FUNCTION samarbeid_assert_members(cooperation bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM samarbeid_cooperation WHERE id = cooperation)
       AND (SELECT count(*) FROM samarbeid_cooperationmembership
            WHERE cooperation_id = cooperation) < 2 THEN
        RAISE EXCEPTION 'cooperation % has fewer than two members', cooperation
            USING ERRCODE = 'check_violation', CONSTRAINT = 'cooperation_has_members';
    END IF;
END $$;
CREATE FUNCTION samarbeid_cooperation_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM samarbeid_assert_members(NEW.id);
    RETURN NULL;
END $$;
CREATE FUNCTION samarbeid_membership_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM samarbeid_assert_members(OLD.cooperation_id);
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER cooperation_has_members
    AFTER INSERT ON samarbeid_cooperation
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION samarbeid_cooperation_inserted();
CREATE CONSTRAINT TRIGGER cooperation_has_members
    AFTER DELETE OR UPDATE ON samarbeid_cooperationmembership
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION samarbeid_membership_removed();

CREATE FUNCTION samarbeid_assert_participants(arrangement bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM samarbeid_sharedarrangement WHERE id = arrangement)
       AND (SELECT count(*) FROM samarbeid_participation
            WHERE arrangement_id = arrangement) < 2 THEN
        RAISE EXCEPTION 'shared arrangement % has fewer than two participants', arrangement
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'shared_arrangement_has_participants';
    END IF;
END $$;
CREATE FUNCTION samarbeid_arrangement_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM samarbeid_assert_participants(NEW.id);
    RETURN NULL;
END $$;
CREATE FUNCTION samarbeid_participation_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM samarbeid_assert_participants(OLD.arrangement_id);
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER shared_arrangement_has_participants
    AFTER INSERT ON samarbeid_sharedarrangement
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION samarbeid_arrangement_inserted();
CREATE CONSTRAINT TRIGGER shared_arrangement_has_participants
    AFTER DELETE OR UPDATE ON samarbeid_participation
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION samarbeid_participation_removed();
"""

BACKWARD = """
DROP TRIGGER shared_arrangement_has_participants ON samarbeid_participation;
DROP TRIGGER shared_arrangement_has_participants ON samarbeid_sharedarrangement;
DROP FUNCTION samarbeid_participation_removed();
DROP FUNCTION samarbeid_arrangement_inserted();
DROP FUNCTION samarbeid_assert_participants(bigint);
DROP TRIGGER cooperation_has_members ON samarbeid_cooperationmembership;
DROP TRIGGER cooperation_has_members ON samarbeid_cooperation;
DROP FUNCTION samarbeid_membership_removed();
DROP FUNCTION samarbeid_cooperation_inserted();
DROP FUNCTION samarbeid_assert_members(bigint);
ALTER TABLE samarbeid_sharedarrangement DROP CONSTRAINT shared_arrangement_host_is_member;
ALTER TABLE samarbeid_participation DROP CONSTRAINT participation_same_cooperation;
ALTER TABLE samarbeid_participation DROP CONSTRAINT participation_is_member;
"""


class Migration(migrations.Migration):
    dependencies = [("samarbeid", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
