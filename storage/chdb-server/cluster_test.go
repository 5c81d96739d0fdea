package main

import (
	"encoding/xml"
	"strings"
	"testing"
)

func clusterConfig() ServerConfig {
	c := testConfig()
	c.Cluster = &Cluster{Name: "shards", Shards: []string{"127.0.0.1:9101", "127.0.0.1:9102"}, Macros: map[string]string{"shard": "02", "replica": "b"}}
	return c
}

func TestClusterRendersRemoteServersWithASecretNotAPassword(t *testing.T) {
	c := clusterConfig()
	var doc struct {
		Shards []struct {
			Internal bool   `xml:"internal_replication"`
			Host     string `xml:"replica>host"`
			Port     int    `xml:"replica>port"`
		} `xml:"remote_servers>shards>shard"`
		Secret  string `xml:"remote_servers>shards>secret"`
		Shard   string `xml:"macros>shard"`
		Replica string `xml:"macros>replica"`
	}
	text := RenderConfigXML(c)
	if err := xml.Unmarshal([]byte(text), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Shards) != 2 || doc.Shards[0].Port != 9101 || doc.Shards[1].Port != 9102 || doc.Shards[1].Host != "127.0.0.1" || !doc.Shards[0].Internal {
		t.Errorf("shards = %+v", doc.Shards)
	}
	if doc.Shard != "02" || doc.Replica != "b" {
		t.Errorf("macros shard=%q replica=%q", doc.Shard, doc.Replica)
	}
	if doc.Secret != clusterSecret(c.Writer.Password) || doc.Secret == "" {
		t.Errorf("secret %q", doc.Secret)
	}
	if strings.Contains(text, c.Writer.Password) {
		t.Error("config.xml contains the writer's password")
	}
	// Two servers started from the same writer password file agree on the secret; another does not.
	if clusterSecret("a") == clusterSecret("b") {
		t.Error("secrets of different passwords are equal")
	}
}

func TestDistributedEngineIsGrantedOnlyOnACluster(t *testing.T) {
	if strings.Contains(RenderUsersXML(testConfig()), "Distributed") {
		t.Error("a server without a cluster grants the Distributed engine")
	}
	if !strings.Contains(RenderUsersXML(clusterConfig()), "GRANT TABLE ENGINE ON Distributed") {
		t.Error("a cluster's writer cannot create Distributed tables")
	}
	if strings.Contains(RenderConfigXML(testConfig()), "remote_servers") {
		t.Error("a server without a cluster renders remote_servers")
	}
}

func TestClusterFlagsReportEveryProblem(t *testing.T) {
	c := testConfig()
	c.Cluster = &Cluster{Name: "bad name", Shards: []string{"127.0.0.1", "h:0"}, Macros: map[string]string{"shard": "<x>"}}
	err := c.Validate()
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{`--cluster "bad name"`, `--cluster-shard "127.0.0.1"`, `--cluster-shard "h:0"`, "--macro shard=<x>"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	c.Cluster = &Cluster{Name: "empty"}
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "at least one --cluster-shard") {
		t.Errorf("a cluster without shards: %v", err)
	}
}

func TestClusterShardWithoutClusterIsRefused(t *testing.T) {
	_, err := parseFlags([]string{"--libchdb", "x", "--data-dir", "d", "--password-file", "w", "--reader-password-file", "r", "--cluster-shard", "127.0.0.1:9000"}, &strings.Builder{})
	if err == nil || !strings.Contains(err.Error(), "--cluster") {
		t.Errorf("got %v", err)
	}
	o, err := parseFlags([]string{"--libchdb", "x", "--data-dir", "d", "--password-file", "w", "--reader-password-file", "r",
		"--cluster", "c", "--cluster-shard", "127.0.0.1:9000", "--cluster-shard", "127.0.0.1:9001", "--macro", "shard=1"}, &strings.Builder{})
	if err != nil || len(o.clusterShards) != 2 || o.macros["shard"] != "1" {
		t.Errorf("parsed %+v, %v", o, err)
	}
}
