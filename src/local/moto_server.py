"""moto in server mode, on loopback, with documented patches to its RDS, Route 53, S3 and Auto Scaling models.

moto 5.2.5 half-models PromoteReadReplica: the replica keeps naming its source, a second
promotion succeeds, and promotion is instant. This patch does what AWS documents (RDS API
Reference, PromoteReadReplica; RDS User Guide, "Promoting a read replica" and "Viewing instance
status"):
- the promoted instance drops the source link (and the source drops it from its replica list);
- promotion takes time: RDS reboots the instance before making it available, so for
  PILOTLIGHT_PROMOTION_SECONDS (default 0: at once) the instance is "modifying" and still names
  its source, then it is a standalone "available" instance;
- promoting an instance that is not a replica, or not "available" (a promotion under way, a
  replica "backing-up": "a read replica cannot be promoted ... when it is in the backing-up
  status"), answers InvalidDBInstanceState.
It also lets a source forget a cross-region replica, which moto lists by ARN but removes by
identifier (deleting one raised ValueError), and a replica reports its replication in StatusInfos
("read replication": "replicating", as DescribeDBInstances does on AWS), which moto leaves out.

moto's Route 53 health checkers always report success (GetHealthCheckStatus answers one canned
"Success: HTTP Status Code: 200" observation). The harness plays what Route 53's checkers would
see of the local app: it sets a check's report, which GetHealthCheckStatus then answers from
every checker (Route 53 Developer Guide, "How Route 53 determines whether a health check is
healthy"; API_GetHealthCheckStatus, StatusReport.Status such as "Failure: HTTP Status Code 503").

moto evaluates bucket policies for object requests, but it passes no request context (no
aws:SourceIp, no aws:SecureTransport), takes a condition on an absent key as met, and turns an
Allow whose condition or principal does not match into a denial. On AWS a key absent from the
request context matches no condition operator but ...IfExists and Null, a statement applies only
when its conditions hold, and an Allow never denies (IAM User Guide, "Policy evaluation logic" and
"IAM JSON policy elements: Condition operators"): the latch bucket's policy (Route 53's checkers
may GET the latch from their addresses; TLS only) must leave the deployment's own callers to their
IAM grants. Patched accordingly.

moto's Auto Scaling registers a group's instances with its target groups but never deregisters the
ones it terminates: a group scaled to 0 keeps "healthy" targets. On AWS an instance leaving a group
is deregistered from the group's target groups before it terminates (Auto Scaling User Guide,
"Amazon EC2 Auto Scaling instance lifecycle", scale in). Patched: terminated instances leave.

moto's CloudWatch alarms have no StateTransitionedTimestamp, "the date and time that the alarm's
StateValue most recently changed" (CloudWatch API Reference, MetricAlarm), and reset
StateUpdatedTimestamp on every state update, the value unchanged included ("the last update to
the value of either the StateValue or EvaluationState"). Patched: an alarm records when its
StateValue last changed, and DescribeAlarms answers it.

A control endpoint sets what moto cannot produce by itself (src/local/emulator-control.ts):
  PUT /__pilotlight/rds/promotion        {"seconds": 30[, "dbInstanceIdentifier": "..."]}
                                         (with an identifier: that replica only, so one test's
                                         slow promotion leaves the emulator's others instant)
  PUT /__pilotlight/rds/instance-status  {"region": "...", "dbInstanceIdentifier": "...",
                                          "status": "backing-up" | "available"}
  PUT /__pilotlight/route53/checker-report {"healthCheckId": "...", "status": "Failure: ..." | null}
Tested in src/local/emulator.int.test.ts.

Usage: python moto_server.py PORT
"""

import json
import os
import sys
import threading

from moto.autoscaling.models import AutoScalingBackend
from moto.cloudwatch.models import Alarm
from moto.core import DEFAULT_ACCOUNT_ID
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from moto.rds.exceptions import DBInstanceNotFoundError, RDSClientError
from moto.rds.models import DBInstance, RDSBackend, rds_backends
from moto.core.responses import ActionResult
from moto.iam.access_control import IAMPolicyStatement, PermissionResult
from moto.core.utils import utcnow
from moto.route53.models import route53_backends
from moto.route53.responses import Route53
from werkzeug.serving import make_server

settings = {
    "promotion_seconds": float(os.environ.get("PILOTLIGHT_PROMOTION_SECONDS", "0")),
    "promotion_seconds_by_id": {},
}
HELD_STATUSES = ("backing-up", "available")


def finish_promotion(self, database):
    self.find_db_from_id(database.source_db_instance_identifier).remove_replica(database)
    database.is_replica = False
    database.source_db_instance_identifier = None
    database.status = "available"


def promote_read_replica(self, db_kwargs):
    db_id = db_kwargs["db_instance_identifier"]
    database = self.databases.get(db_id)
    if database is None:
        raise DBInstanceNotFoundError(db_id)
    if not database.is_replica:
        raise RDSClientError("InvalidDBInstanceState", f"DB Instance {db_id} is not a read replica.")
    if database.status != "available":
        raise RDSClientError(
            "InvalidDBInstanceState",
            f"DB Instance {db_id} is {database.status}; a read replica can be promoted only when available.",
        )
    database.update(**db_kwargs)
    seconds = settings["promotion_seconds_by_id"].get(db_id, settings["promotion_seconds"])
    if seconds <= 0:
        finish_promotion(self, database)
        return database
    database.status = "modifying"
    timer = threading.Timer(seconds, finish_promotion, (self, database))
    timer.daemon = True
    timer.start()
    return database


def remove_replica(self, replica):
    for ref in (replica.db_instance_arn, replica.db_instance_identifier):
        if ref in self.replicas:
            self.replicas.remove(ref)


def status_infos(self):
    if not self.is_replica:
        return None
    return [{"StatusType": "read replication", "Status": "replicating", "Normal": True}]


# health check id -> the checkers' report (None or absent: moto's canned success)
checker_reports = {}
CHECKER_REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-1")


def get_health_check_status(self):
    health_check_id = self._get_param("HealthCheckId")
    self.backend.get_health_check(health_check_id)
    status = checker_reports.get(health_check_id) or "Success: HTTP Status Code: 200. Resolved IP: 127.0.13.37. OK"
    return ActionResult(
        {
            "HealthCheckObservations": [
                {
                    "Region": region,
                    "IPAddress": "127.0.13.37",
                    "StatusReport": {"Status": status, "CheckedTime": utcnow()},
                }
                for region in CHECKER_REGIONS
            ]
        }
    )


Route53.get_health_check_status = get_health_check_status

_statement_permits = IAMPolicyStatement.is_action_permitted


def conditions_hold(statement, incoming_condition_values):
    """A key absent from the request context matches no condition but ...IfExists and Null; Null
    "true" holds for an absent key, "false" for a present one (moto ignores Null: holds always)."""
    incoming = incoming_condition_values or {}
    for operator, block in (statement._statement.get("Condition") or {}).items():
        for key, expected in block.items():
            if operator == "Null":
                if (str(expected).lower() == "true") != (key not in incoming):
                    return False
            elif key not in incoming and not operator.endswith("IfExists"):
                return False
    return statement._check_conditions(incoming_condition_values)


def statement_permits(self, action, resource="*", principal=None, incoming_condition_values=None):
    result = _statement_permits(self, action, resource, principal, incoming_condition_values)
    if result != PermissionResult.DENIED:
        return result
    if self._statement.get("Effect") == "Allow":
        return PermissionResult.NEUTRAL
    if not conditions_hold(self, incoming_condition_values):
        return PermissionResult.NEUTRAL
    return result


_update_attached_target_groups = AutoScalingBackend.update_attached_target_groups


def update_attached_target_groups(self, group_name):
    """moto's registration of the group's instances, then the deregistration of those it terminated."""
    _update_attached_target_groups(self, group_name)
    group = self.autoscaling_groups[group_name]
    members = {state.instance.id for state in group.instance_states}
    terminated = {
        instance.id
        for reservation in self.ec2_backend.reservations.values()
        for instance in reservation.instances
        if instance.state == "terminated"
    }
    for arn in group.target_group_arns:
        target_group = self.elbv2_backend.target_groups.get(arn)
        gone = [{"Id": i} for i in list(target_group.targets) if i in terminated and i not in members] if target_group else []
        if gone:
            target_group.deregister(gone)


_alarm_init = Alarm.__init__
_alarm_update_state = Alarm.update_state


def alarm_init(self, *args, **kwargs):
    _alarm_init(self, *args, **kwargs)
    self.state_transitioned_timestamp = self.state_updated_timestamp


def alarm_update_state(self, reason, reason_data, state_value):
    changed = state_value != self.state_value
    _alarm_update_state(self, reason, reason_data, state_value)
    if changed:
        self.state_transitioned_timestamp = self.state_updated_timestamp


Alarm.__init__ = alarm_init
Alarm.update_state = alarm_update_state
AutoScalingBackend.update_attached_target_groups = update_attached_target_groups
IAMPolicyStatement.is_action_permitted = statement_permits
RDSBackend.promote_read_replica = promote_read_replica
DBInstance.status_infos = property(status_infos)
DBInstance.remove_replica = remove_replica


def control(path, body):
    """The control endpoint's answer (status, document) to a PUT under /__pilotlight/rds/."""
    if path == "/__pilotlight/rds/promotion":
        seconds = body.get("seconds")
        if not isinstance(seconds, (int, float)) or seconds < 0:
            return 400, {"error": f"seconds must be a number >= 0; got {seconds!r}"}
        db_id = body.get("dbInstanceIdentifier")
        if db_id is not None:
            settings["promotion_seconds_by_id"][db_id] = float(seconds)
            return 200, {"seconds": float(seconds), "dbInstanceIdentifier": db_id}
        settings["promotion_seconds"] = float(seconds)
        return 200, {"seconds": settings["promotion_seconds"]}
    if path == "/__pilotlight/rds/instance-status":
        region, db_id, status = body.get("region"), body.get("dbInstanceIdentifier"), body.get("status")
        if status not in HELD_STATUSES:
            return 400, {"error": f"status must be one of {', '.join(HELD_STATUSES)}; got {status!r}"}
        database = rds_backends[DEFAULT_ACCOUNT_ID][region].databases.get(db_id) if region else None
        if database is None:
            return 404, {"error": f"no DB instance {db_id!r} in region {region!r}"}
        database.status = status
        return 200, {"dbInstanceIdentifier": db_id, "status": status}
    if path == "/__pilotlight/route53/checker-report":
        check_id, status = body.get("healthCheckId"), body.get("status")
        if status is not None and not (isinstance(status, str) and status.split(":")[0] in ("Success", "Failure")):
            return 400, {"error": f'status must be "Success: ..." or "Failure: ..." or null; got {status!r}'}
        if check_id not in route53_backends[DEFAULT_ACCOUNT_ID]["aws"].health_checks:
            return 404, {"error": f"no health check {check_id!r}"}
        checker_reports[check_id] = status
        return 200, {"healthCheckId": check_id, "status": status}
    return 404, {
        "error": f"no control route PUT {path}; use /__pilotlight/rds/promotion, /rds/instance-status or /route53/checker-report"
    }


class WithControl:
    """moto's WSGI app, with the control endpoint in front of it."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if not path.startswith(("/__pilotlight/rds/", "/__pilotlight/route53/")):
            return self.app(environ, start_response)
        if environ["REQUEST_METHOD"] != "PUT":
            status, doc = 405, {"error": "use PUT"}
        else:
            try:
                length = int(environ.get("CONTENT_LENGTH") or 0)
                status, doc = control(path, json.loads(environ["wsgi.input"].read(length) or b"{}"))
            except (ValueError, AttributeError) as err:
                status, doc = 400, {"error": f"the body must be a JSON object ({err})"}
        start_response(f"{status} -", [("Content-Type", "application/json")])
        return [json.dumps(doc).encode()]


if __name__ == "__main__":
    app = WithControl(DomainDispatcherApplication(create_backend_app))
    make_server("127.0.0.1", int(sys.argv[1]), app, True, request_handler=MotoRequestHandler).serve_forever()
