"""An ephemeral PostgreSQL 15 cluster for the end-to-end tests: initdb + pg_ctl as the
`postgres` user (the server refuses to run as root) in a private directory, listening only on
127.0.0.1 on a free port, trust authentication, fsync off; stopped and removed by stop()."""
import os
import shutil
import subprocess
import tempfile

from peers import free_port

PG_BIN = "/usr/lib/postgresql/15/bin"


def _as_postgres(args, **kw):
    cmd = " ".join("'%s'" % a.replace("'", "'\\''") for a in args)
    if os.geteuid() == 0:
        return subprocess.run(["su", "postgres", "-s", "/bin/sh", "-c", cmd], **kw)
    return subprocess.run(["/bin/sh", "-c", cmd], **kw)


class PgCluster:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="postern-pg-")
        os.chmod(self.dir, 0o755)
        self.data = os.path.join(self.dir, "data")
        self.port = None
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")

    def start(self):
        r = _as_postgres([PG_BIN + "/initdb", "-D", self.data, "-U", "postgres", "-A", "trust",
                          "--no-sync", "-E", "UTF8"], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("initdb failed: " + r.stderr)
        for _ in range(5):
            self.port = free_port()
            opts = "-c listen_addresses=127.0.0.1 -p %d -c fsync=off -c unix_socket_directories=%s " \
                   "-c max_connections=200" % (self.port, self.dir)
            r = _as_postgres([PG_BIN + "/pg_ctl", "-D", self.data, "-o", opts, "-w", "-t", "30",
                              "-l", os.path.join(self.dir, "server.log"), "start"],
                             capture_output=True, text=True)
            if r.returncode == 0:
                return self
        raise RuntimeError("PostgreSQL did not start: " + self.log())

    def log(self):
        try:
            with open(os.path.join(self.dir, "server.log")) as f:
                return f.read()[-3000:]
        except OSError:
            return ""

    def create_database(self, name):
        r = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                            "-c", "CREATE DATABASE %s" % name], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("CREATE DATABASE failed: " + r.stderr)
        return "postgresql://postgres@127.0.0.1:%d/%s" % (self.port, name)

    def stop(self):
        if self.port is not None and os.path.isdir(self.data):
            _as_postgres([PG_BIN + "/pg_ctl", "-D", self.data, "-m", "immediate", "stop"],
                         capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)
