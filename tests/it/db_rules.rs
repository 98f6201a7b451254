//! The database rules (`db-write`, `model-ownership`) on fixture trees under
//! fixtures/rules/: every true positive is listed, so a near miss that gets
//! reported fails the test.

use crate::common::{fixture, owned, run, violations};

#[test]
fn db_write_reports_session_writes_and_not_reads_or_other_receivers() {
    let api = "api-no-db-writes";
    let workers = "workers-no-raw-sql";
    let schema = "api-no-schema-changes";
    assert_eq!(
        violations(&fixture("rules/db_write")),
        owned(&[
            ("app/api/admin.py", 27, api, "self.session.merge"),
            ("app/api/admin.py", 28, api, "self.db.delete"),
            ("app/api/admin.py", 34, api, "s.add_all"),
            ("app/api/admin.py", 35, api, "s.bulk_insert_mappings"),
            ("app/api/admin.py", 44, api, "tx.execute"),
            ("app/api/admin.py", 45, api, "tx.commit"),
            ("app/api/admin.py", 60, api, "shared.commit"),
            ("app/api/incidents.py", 16, api, "session.add"),
            ("app/api/incidents.py", 17, api, "session.commit"),
            ("app/api/incidents.py", 36, api, "db.execute"),
            ("app/api/incidents.py", 37, api, "db.flush"),
            ("app/api/incidents.py", 42, api, "db_session.execute"),
            ("app/api/incidents.py", 43, api, "db_session.execute"),
            ("app/api/incidents.py", 44, api, "db_session.execute"),
            ("app/api/incidents.py", 45, api, "db_session.execute"),
            ("app/api/incidents.py", 47, api, "db_session.execute"),
            (
                "app/api/incidents.py",
                50,
                api,
                "db_session.query(...).delete"
            ),
            (
                "app/api/incidents.py",
                51,
                api,
                "db_session.query(...).update"
            ),
            ("app/api/raw_sql.py", 17, api, "session.execute"),
            ("app/api/raw_sql.py", 17, schema, "session.execute"),
            ("app/api/raw_sql.py", 18, api, "session.execute"),
            ("app/api/raw_sql.py", 18, schema, "session.execute"),
            ("app/api/raw_sql.py", 19, api, "session.execute"),
            ("app/api/raw_sql.py", 19, schema, "session.execute"),
            ("app/api/raw_sql.py", 20, api, "session.execute"),
            ("app/api/raw_sql.py", 20, schema, "session.execute"),
            ("app/api/raw_sql.py", 21, api, "session.execute"),
            ("app/api/raw_sql.py", 21, schema, "session.execute"),
            ("app/api/raw_sql.py", 24, schema, "session.execute"),
            ("app/workers/sync.py", 8, workers, "conn.execute"),
            ("app/workers/sync.py", 10, workers, "conn.commit"),
            ("app/workers/sync.py", 12, workers, "report_conn.execute"),
        ])
    );
}

#[test]
fn db_write_message_names_the_call_and_the_module() {
    let output = run(&fixture("rules/db_write"), &["check", "--no-baseline"]);
    assert_eq!(output.code, 1);
    assert!(output.stdout.contains(
        "app/api/incidents.py:16:5: api-no-db-writes (db-write) `session.add()` writes to the database in `app.api.incidents`; database writes belong to the services layer [new]"
    ), "{}", output.stdout);
}

#[test]
fn model_ownership_reports_writes_of_owned_models_outside_the_owner() {
    let rule = "crm-owns-campaigns";
    let campaign = "acme.crm.orm.CampaignRow";
    let sender = "acme/delivery/sender.py";
    assert_eq!(
        violations(&fixture("rules/model_ownership")),
        owned(&[
            (sender, 16, rule, campaign),
            (sender, 18, rule, campaign),
            (sender, 20, rule, campaign),
            (sender, 21, rule, campaign),
            (sender, 26, rule, campaign),
            (sender, 27, rule, campaign),
            (sender, 29, rule, campaign),
            (sender, 48, rule, campaign),
            (sender, 49, rule, campaign),
            (
                "acme/delivery/tasks.py",
                10,
                rule,
                "acme.crm.orm.ContactRow"
            ),
            ("acme/delivery/tasks.py", 11, rule, campaign),
            (
                "acme/delivery/tasks.py",
                11,
                rule,
                "acme.delivery.models.DeliveryCampaign"
            ),
        ])
    );
}

#[test]
fn model_ownership_messages_name_the_model_the_owner_and_the_write() {
    let output = run(
        &fixture("rules/model_ownership"),
        &["check", "--no-baseline"],
    );
    assert_eq!(output.code, 1);
    for line in [
        "acme/delivery/sender.py:16:11: crm-owns-campaigns (model-ownership) `acme.delivery.sender` creates `acme.crm.orm.CampaignRow`, owned by `acme.crm`; call acme.crm.service instead [new]",
        "acme/delivery/sender.py:20:5: crm-owns-campaigns (model-ownership) `acme.delivery.sender` writes `acme.crm.orm.CampaignRow`, owned by `acme.crm`, through `session.execute()`; call acme.crm.service instead [new]",
    ] {
        assert!(output.stdout.contains(line), "{line}\n{}", output.stdout);
    }
}

#[test]
fn explain_prints_the_db_write_documentation() {
    let output = run(&fixture("rules/db_write"), &["explain", "db-write"]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(
        output
            .stdout
            .starts_with("# db-write\n\n## What it does\nReports calls that write to the database"),
        "{}",
        output.stdout
    );
    for section in [
        "## Why is this bad",
        "## Example",
        "## Options",
        "`receivers`",
    ] {
        assert!(
            output.stdout.contains(section),
            "{section}\n{}",
            output.stdout
        );
    }
    let output = run(
        &fixture("rules/model_ownership"),
        &["explain", "model-ownership"],
    );
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(
        output
            .stdout
            .contains("- `owner` (module patterns, required)"),
        "{}",
        output.stdout
    );
}

#[test]
fn names_resolve_through_package_reexports_for_model_ownership_and_forbidden_call() {
    let owns = "dcim-owns-devices";
    let clock = "no-clock-in-tenancy";
    let views = "tenancy/views.py";
    assert_eq!(
        violations(&fixture("rules/reexports")),
        owned(&[
            (views, 7, owns, "dcim.models.devices.Device"),
            (views, 8, owns, "dcim.models.sites.Site"),
            (views, 9, owns, "dcim.models.racks.rack.Rack"),
            (views, 13, clock, "utils.clock.now"),
            (views, 13, clock, "datetime.datetime.utcnow"),
            // `from .cables import *` takes what `__all__` lists, `_Trace`
            // too, and not `Hidden`.
            (views, 19, owns, "dcim.models.cables.Cable"),
            (views, 19, owns, "dcim.models.cables._Trace"),
            (views, 19, owns, "dcim.models.cables.Port"),
            (views, 19, owns, "dcim.models.cables.Patch"),
            // Renamed by a re-export (`import … as`): the last segment as
            // written (`Appliance`, `current_time`) is no model's and no
            // pattern's, and is still resolved.
            (views, 25, owns, "dcim.models.devices.Device"),
            (views, 25, clock, "utils.clock.now"),
        ])
    );
}

#[test]
fn db_write_recognises_django_writes_by_shape_and_not_dict_or_cache_methods() {
    let api = "api-no-db-writes";
    let views = "shop/api/views.py";
    let schema = "api-no-schema-changes";
    assert_eq!(
        violations(&fixture("rules/db_write_django")),
        owned(&[
            (
                "shop/api/legacy.py",
                5,
                api,
                "Order.objects.all(...).delete"
            ),
            ("shop/api/legacy.py", 6, api, "session.delete"),
            (
                "shop/api/legacy.py",
                6,
                "api-no-sqlalchemy-only",
                "session.delete"
            ),
            ("shop/api/raw.py", 9, api, "cursor.execute"),
            ("shop/api/raw.py", 9, schema, "cursor.execute"),
            ("shop/api/raw.py", 12, api, "c.execute"),
            ("shop/api/raw.py", 12, schema, "c.execute"),
            ("shop/api/raw.py", 14, api, "report_cursor.executemany"),
            ("shop/api/raw.py", 14, schema, "report_cursor.executemany"),
            ("shop/api/raw.py", 15, schema, "c.execute"),
            (views, 7, api, "Order.objects.create"),
            (views, 8, api, "Order.objects.get_or_create"),
            (views, 9, api, "Order.objects.update_or_create"),
            (views, 10, api, "Order.objects.bulk_create"),
            (views, 11, api, "Order.objects.bulk_update"),
            (views, 12, api, "Order.objects.filter(...).update"),
            (views, 13, api, "Order.objects.filter(...).delete"),
            (views, 15, api, "order.save"),
            (views, 17, api, "customer.save"),
            (views, 18, api, "customer.delete"),
            (views, 19, api, "Customer._default_manager.all(...).delete"),
        ])
    );
}
