package main

import (
	"encoding/xml"
	"strings"
	"testing"
)

func testConfig() ServerConfig {
	return ServerConfig{
		Layout:   Layout{DataDir: "/data/clickhouse"},
		HTTPPort: 8123,
		TCPPort:  9000,
		Database: "telemetry",
		Writer:   Account{"telemetry_writer", "writer-secret"},
		Reader:   Account{"telemetry_reader", "reader-secret"},
		Control:  Account{"chdb_server_control", "control-secret"},
	}
}

func TestRenderedFilesAreWellFormedXML(t *testing.T) {
	for name, text := range map[string]string{"config.xml": RenderConfigXML(testConfig()), "users.xml": RenderUsersXML(testConfig())} {
		dec := xml.NewDecoder(strings.NewReader(text))
		for {
			_, err := dec.Token()
			if err != nil {
				if err.Error() == "EOF" {
					break
				}
				t.Fatalf("%s is not well-formed: %v", name, err)
			}
		}
	}
}

func TestUsersXMLHoldsHashesNotPasswords(t *testing.T) {
	c := testConfig()
	users := RenderUsersXML(c)
	for _, a := range []Account{c.Writer, c.Reader, c.Control} {
		if strings.Contains(users, a.Password) {
			t.Errorf("users.xml contains the password of %s", a.Name)
		}
		if !strings.Contains(users, sha256Hex(a.Password)) {
			t.Errorf("users.xml lacks the SHA-256 of %s's password", a.Name)
		}
	}
}

// In users.xml a user without <grants> holds every privilege, so each user must list its own.
func TestEveryUserHasExplicitGrants(t *testing.T) {
	type user struct {
		XMLName xml.Name
		Profile string   `xml:"profile"`
		Grants  []string `xml:"grants>query"`
	}
	var doc struct {
		Users struct {
			List []user `xml:",any"`
		} `xml:"users"`
	}
	if err := xml.Unmarshal([]byte(RenderUsersXML(testConfig())), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Users.List) != 4 {
		t.Fatalf("want 4 users, got %d", len(doc.Users.List))
	}
	byName := map[string]user{}
	for _, u := range doc.Users.List {
		if len(u.Grants) == 0 {
			t.Errorf("user %s has no <grants>: it would hold every privilege", u.XMLName.Local)
		}
		byName[u.XMLName.Local] = u
	}
	reader := byName["telemetry_reader"]
	if reader.Profile != "reader" {
		t.Errorf("reader profile = %q", reader.Profile)
	}
	for _, g := range reader.Grants {
		for _, forbidden := range []string{"INSERT", "ALTER", "CREATE", "DROP", "FILE", "URL", "REMOTE", "S3", "SOURCES", "ALL"} {
			if strings.Contains(strings.ToUpper(g), forbidden) {
				t.Errorf("reader grant %q contains %s", g, forbidden)
			}
		}
	}
	for _, g := range byName["default"].Grants {
		if !strings.Contains(g, "SYSTEM LISTEN") && !strings.Contains(g, "system.numbers") {
			t.Errorf("default holds more than the boot session needs: %q", g)
		}
	}
}

func TestReaderProfileIsReadonlyAndFixed(t *testing.T) {
	users := RenderUsersXML(testConfig())
	start := strings.Index(users, "<reader>")
	end := strings.Index(users, "</reader>")
	if start < 0 || end < start {
		t.Fatal("no reader profile")
	}
	profile := users[start:end]
	for _, want := range []string{"<readonly>1</readonly>", "<readonly><const/></readonly>", "<max_execution_time>60</max_execution_time>", "<max_execution_time><max>60</max><changeable_in_readonly/></max_execution_time>"} {
		if !strings.Contains(profile, want) {
			t.Errorf("reader profile lacks %s", want)
		}
	}
}

func TestConfigListensOnLoopbackOnly(t *testing.T) {
	cfg := RenderConfigXML(testConfig())
	if strings.Count(cfg, "<listen_host>") != 1 || !strings.Contains(cfg, "<listen_host>127.0.0.1</listen_host>") {
		t.Errorf("config.xml must listen on 127.0.0.1 only:\n%s", cfg)
	}
	if !strings.Contains(cfg, "<select_from_system_db_requires_grant>true</select_from_system_db_requires_grant>") {
		t.Error("system tables must need a grant")
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	c := testConfig()
	c.Database = "bad-name"
	c.Writer.Name = "default"
	c.Reader.Password = ""
	c.TCPPort = c.HTTPPort
	err := c.Validate()
	if err == nil {
		t.Fatal("want errors")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 4 {
		t.Fatalf("want 4 problems, got %d:\n%s", len(lines), err)
	}
	if !strings.Contains(err.Error(), "taken by clickhouse-local's own session") {
		t.Errorf("the name default must be refused: %s", err)
	}
	if testConfig().Validate() != nil {
		t.Errorf("a good config must pass: %v", testConfig().Validate())
	}
}

func TestEngineArgsLiftReadonlyForTheBootSessionOnly(t *testing.T) {
	args := EngineArgs(testConfig(), "tok")
	joined := strings.Join(args, " ")
	for _, want := range []string{"--config-file=/data/clickhouse/server/config.xml", "--path=/data/clickhouse/engine/", "--readonly=0", "SYSTEM START LISTEN HTTP", "SYSTEM START LISTEN TCP", KeepaliveMarker("tok")} {
		if !strings.Contains(joined, want) {
			t.Errorf("engine args lack %q", want)
		}
	}
	if !strings.Contains(KillQuery("tok"), KeepaliveMarker("tok")) {
		t.Error("the kill statement must name the keepalive marker")
	}
}
