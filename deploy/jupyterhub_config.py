"""JupyterHub configuration for the SMM outsourcing lab on one server (the Littlest JupyterHub route).

Where it goes (docs/deploy.md, "The Littlest JupyterHub", says it step by step):

* TLJH: copy it to ``/opt/tljh/config/jupyterhub_config.d/smm-lab.py``, then ``sudo tljh-config reload``.
  TLJH loads it after its own configuration, so the settings below win over ``tljh-config``'s
  limits, culling and default interface (change them here).
* A plain JupyterHub on one server: ``jupyterhub -f /srv/smm-lab/deploy/jupyterhub_config.py``
  (after setting the authenticator and the spawner, section 1).

It assumes the repository is cloned to ``/srv/smm-lab`` (``SMM_LAB_ROOT`` changes that), owned by
root and readable by everyone, and the toolkit installed from there (editable) into the students'
Python environment. The tests start a real hub with this file and a test overlay
(tests/test_hub.py: DummyAuthenticator, SimpleLocalProcessSpawner, temporary home folders, short
time-outs); every figure below comes from the measurements in docs/deploy.md.
"""
import os
import sys

c = get_config()  # noqa: F821 - provided by JupyterHub when it loads this file

# The shared copy of the repository: the toolkit (installed editable from here) and data/, read-only
# for students because root owns it. Students never write here.
LAB_ROOT = os.environ.get("SMM_LAB_ROOT", "/srv/smm-lab")
# Each student's own copy, made on their first start, relative to their home folder.
STUDENT_FOLDER = "smm-lab"

# ---------------------------------------------------------------- 1. who logs in, how servers start
# The administrator's choice, not the course's. TLJH sets both (its FirstUseAuthenticator, or the one
# chosen with `tljh-config set auth.type ...`, and a systemd spawner that creates a system account per
# student): leave these lines commented there. A plain JupyterHub defaults to PAM (the server's own
# accounts) and LocalProcessSpawner; for example:
# c.JupyterHub.authenticator_class = "nativeauthenticator.NativeAuthenticator"   # students sign up
# c.JupyterHub.spawner_class = "systemdspawner.SystemdSpawner"                  # enforces the limits

# ---------------------------------------------------------------- 2. each student's own copy
# The student's server starts through deploy/start-student-server, as the student: on the first start
# it clones (or copies) the lab into ~/smm-lab, then runs jupyterhub-singleuser. Later starts leave
# the copy alone, so edits and saved scenarios survive a server being stopped or culled.
c.Spawner.cmd = [os.path.join(LAB_ROOT, "deploy", "start-student-server"), "jupyterhub-singleuser"]
c.Spawner.environment = {
    "SMM_LAB_ROOT": LAB_ROOT,
    "SMM_LAB_FOLDER": STUDENT_FOLDER,
}

# ---------------------------------------------------------------- 3. where students land
# JupyterLab on notebook 00 of their own copy (nbgitpuller links can open any other notebook).
c.Spawner.default_url = f"/lab/tree/{STUDENT_FOLDER}/notebooks/00_start_here.ipynb"

# ---------------------------------------------------------------- 4. limits per student
# Measured through this hub (docs/deploy.md, "Through JupyterHub: login to notebook 00"): a student's
# server takes 154 MiB and notebook 00's kernel 170 MiB (RSS), each more running notebook 170-210 MiB.
# 1 GiB lets a student keep four notebooks running; the kernel that goes over is restarted, not the
# server. One core per student: a kernel does this lab's work on one core.
# Enforced by spawners that support limits (TLJH's systemd spawner, DockerSpawner, KubeSpawner);
# LocalProcessSpawner only passes them on as MEM_LIMIT and CPU_LIMIT.
c.Spawner.mem_limit = "1G"
c.Spawner.cpu_limit = 1.0
# A notebook left open keeps its kernel (~0.2 GiB): shut kernels idle for 20 minutes, so that a
# student with seven notebooks open does not hold seven kernels all session.
c.Spawner.args = [
    "--MappingKernelManager.cull_idle_timeout=1200",
    "--MappingKernelManager.cull_interval=120",
]
# Logging in costs about 6 s of CPU per student (server start and notebook 00): 30 students arriving
# within a minute on 2 cores waited up to 49 s for their page. Wait longer than JupyterHub's default
# 60 s before giving up on a start, so that a whole class can arrive together on a smaller server.
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 120

# ---------------------------------------------------------------- 5. idle culling
# jupyterhub-idle-culler stops a server nobody has used for IDLE_TIMEOUT seconds (its kernels go with
# it, its files stay): memory comes back when students leave without logging out.
IDLE_TIMEOUT = 1800  # 30 minutes
IDLE_CULLER = {
    "name": "idle-culler",
    "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={IDLE_TIMEOUT}",
                f"--cull-every={IDLE_TIMEOUT // 6}"],
}
# Replace TLJH's own culler ("cull-idle", 10 minutes by default) rather than run two; keep any other service.
_services = c.JupyterHub.services if "services" in c.JupyterHub else []
c.JupyterHub.services = [s for s in _services if s.get("name") not in {"cull-idle", "idle-culler"}] + [IDLE_CULLER]
# The scopes the culler needs (jupyterhub-idle-culler's README), and no more.
_roles = c.JupyterHub.load_roles if "load_roles" in c.JupyterHub else []
c.JupyterHub.load_roles = [r for r in _roles if r.get("name") != "idle-culler"] + [{
    "name": "idle-culler",
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    "services": ["idle-culler"],
}]

# ---------------------------------------------------------------- 6. updates: nbgitpuller links
# nbgitpuller (in TLJH's user environment; pip install nbgitpuller elsewhere) serves /git-pull in each
# student's server. After `sudo git -C /srv/smm-lab pull`, hand out the link printed by
#     python -m toolkit link --hub https://HUB
# one click merges the new version into the student's ~/smm-lab, keeping their changes.
