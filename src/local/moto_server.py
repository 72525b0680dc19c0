"""moto in server mode, on loopback, with one documented patch to its RDS model.

moto 5.2.5 half-models PromoteReadReplica: the replica keeps naming its source and a second
promotion succeeds. This patch does what AWS documents: the promoted instance drops the
source link (and the source drops it from its replica list), and promoting an instance that is
not a replica answers InvalidDBInstanceState. It also lets a source forget a cross-region
replica, which moto lists by ARN but removes by identifier (deleting one raised ValueError).
And a replica reports its replication in StatusInfos ("read replication": "replicating", as
DescribeDBInstances does on AWS), which moto leaves out.
Tested in src/local/emulator.int.test.ts.

Usage: python moto_server.py PORT
"""

import sys
import threading

from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.rds.exceptions import DBInstanceNotFoundError, RDSClientError
from moto.rds.models import DBInstance, RDSBackend


def promote_read_replica(self, db_kwargs):
    db_id = db_kwargs["db_instance_identifier"]
    database = self.databases.get(db_id)
    if database is None:
        raise DBInstanceNotFoundError(db_id)
    if not database.is_replica:
        raise RDSClientError("InvalidDBInstanceState", f"DB Instance {db_id} is not a read replica.")
    self.find_db_from_id(database.source_db_instance_identifier).remove_replica(database)
    database.is_replica = False
    database.source_db_instance_identifier = None
    database.update(**db_kwargs)
    return database


def remove_replica(self, replica):
    for ref in (replica.db_instance_arn, replica.db_instance_identifier):
        if ref in self.replicas:
            self.replicas.remove(ref)


def status_infos(self):
    if not self.is_replica:
        return None
    return [{"StatusType": "read replication", "Status": "replicating", "Normal": True}]


RDSBackend.promote_read_replica = promote_read_replica
DBInstance.status_infos = property(status_infos)
DBInstance.remove_replica = remove_replica

if __name__ == "__main__":
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=int(sys.argv[1]), verbose=False)
    server.start()
    threading.Event().wait()
