"""A real 3-node Elasticsearch cluster on loopback ports, for the failover tests.

Each node is an :class:`ElasticsearchServer` (its own temp dir, the ``records-es`` user when
we are root) set up to discover the others on their transport ports instead of running
alone. The nodes start together (each waits for the others to elect a master); the cluster
is ready when it is green with every node in it. ``stop(i)`` / ``start(i)`` take one node
away and bring it back with its data, as a crash and a restart would.
"""
import json
import time
import urllib.error
import urllib.request
import uuid

from tests.rig import ServiceUnavailable, free_port
from tests.rig.elasticsearch import START_TIMEOUT, ElasticsearchServer


class ElasticsearchCluster:
    def __init__(self, size=3, heap=("512m", "512m")):
        ports = [(free_port(), free_port()) for _ in range(size)]
        names = [f"records-node-{i}" for i in range(size)]
        seeds = [f"127.0.0.1:{transport}" for _, transport in ports]
        name = f"records-cluster-{uuid.uuid4().hex[:8]}"
        self.nodes = []
        for node_name, (http, transport) in zip(names, ports):
            node = ElasticsearchServer(heap=heap, settings={
                "cluster.name": name, "node.name": node_name, "discovery.type": None,
                "discovery.seed_hosts": seeds, "cluster.initial_master_nodes": names})
            node.http_port, node.transport_port = http, transport
            self.nodes.append(node)

    @property
    def urls(self):
        return [node.url for node in self.nodes]

    def start(self, timeout=START_TIMEOUT * 2):
        for node in self.nodes:
            node.start(wait=False)
        self.wait_green(len(self.nodes), timeout)
        return self

    def stop_node(self, index):
        self.nodes[index].stop()

    def start_node(self, index, timeout=START_TIMEOUT * 2):
        self.nodes[index].start(wait=False)
        self.wait_green(len(self.nodes), timeout)

    def health(self, wait_nodes=None, status=None):
        """The cluster's health from the first node that answers, or None."""
        query = "timeout=2s"
        if wait_nodes:
            query += f"&wait_for_nodes={wait_nodes}"
        if status:
            query += f"&wait_for_status={status}"
        for node in self.nodes:
            if not node.running:
                continue
            try:
                with urllib.request.urlopen(f"{node.url}/_cluster/health?{query}",
                                            timeout=10) as reply:
                    return json.load(reply)
            except (urllib.error.URLError, OSError, ValueError):
                continue
        return None

    def wait_green(self, nodes, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for node in self.nodes:
                if node.process is not None and node.process.poll() is not None:
                    raise ServiceUnavailable(
                        f"{node.url} exited with {node.process.returncode}:\n{node.log_tail()}")
            health = self.health(nodes, "green")
            if health and not health.get("timed_out") and health["number_of_nodes"] >= nodes:
                return health
            time.sleep(1)
        tails = "\n".join(node.log_tail(10) for node in self.nodes)
        raise ServiceUnavailable(f"the cluster was not green with {nodes} nodes after "
                                 f"{timeout:.0f} s:\n{tails}")

    def close(self):
        for node in self.nodes:
            node.close()

    stop = close
