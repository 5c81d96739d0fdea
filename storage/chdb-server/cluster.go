package main

import (
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"
)

// Cluster is the one remote_servers entry a server may join: every shard is one server (host and
// native TCP port), the shards in the order the cluster's sharding key numbers them. Each server
// of a cluster is started with the same list, so a Distributed table means the same on all.
type Cluster struct {
	Name   string
	Shards []string
	// Macros fill {shard} and {replica} in a ReplicatedMergeTree path; harmless without Keeper.
	Macros map[string]string
}

// clusterSecret is what servers of one cluster prove to each other instead of a password: the
// initiating user's name travels with the query and the receiving server runs it as that user,
// so a read-only user stays read-only on every shard. Derived from the writer's password, which
// every server of a cluster shares (one password file), so no new secret has to be handed out.
func clusterSecret(writerPassword string) string {
	return sha256Hex("chdb-server cluster secret\x00" + writerPassword)
}

// validate names every problem of the cluster flags at once.
func (c *Cluster) validate() []string {
	var problems []string
	if !identifier.MatchString(c.Name) {
		problems = append(problems, fmt.Sprintf("--cluster %q: expected a ClickHouse identifier", c.Name))
	}
	if len(c.Shards) == 0 {
		problems = append(problems, "--cluster needs at least one --cluster-shard host:tcp-port")
	}
	for _, s := range c.Shards {
		host, port, err := net.SplitHostPort(s)
		n, perr := strconv.Atoi(port)
		if err != nil || host == "" || perr != nil || n < 1 || n > 65535 {
			problems = append(problems, fmt.Sprintf("--cluster-shard %q: expected host:port with the shard's native TCP port", s))
		}
	}
	for k, v := range c.Macros {
		if !identifier.MatchString(k) || v == "" || strings.ContainsAny(v, "<>&'\"") {
			problems = append(problems, fmt.Sprintf("--macro %s=%s: expected name=value, a ClickHouse identifier and a plain value", k, v))
		}
	}
	return problems
}

// renderClusterXML is the remote_servers and macros part of config.xml; empty without a cluster.
func renderClusterXML(c *Cluster, writerPassword string) string {
	if c == nil {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "  <remote_servers>\n    <%s>\n      <secret>%s</secret>\n", c.Name, clusterSecret(writerPassword))
	for _, s := range c.Shards {
		host, port, _ := net.SplitHostPort(s)
		fmt.Fprintf(&b, "      <shard>\n        <internal_replication>true</internal_replication>\n        <replica><host>%s</host><port>%s</port></replica>\n      </shard>\n", xmlText(host), port)
	}
	fmt.Fprintf(&b, "    </%s>\n  </remote_servers>\n", c.Name)
	if len(c.Macros) > 0 {
		keys := make([]string, 0, len(c.Macros))
		for k := range c.Macros {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteString("  <macros>\n")
		for _, k := range keys {
			fmt.Fprintf(&b, "    <%s>%s</%s>\n", k, xmlText(c.Macros[k]), k)
		}
		b.WriteString("  </macros>\n")
	}
	return b.String()
}

// parseMacro reads one --macro name=value.
func parseMacro(text string, into map[string]string) error {
	k, v, ok := strings.Cut(text, "=")
	if !ok {
		return fmt.Errorf("--macro %q: expected name=value, e.g. shard=01", text)
	}
	into[k] = v
	return nil
}
