package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// Layout is where the launcher keeps things under the data directory. The engine's data stays
// in engine/, where the earlier in-process front kept it, so an existing stack keeps its tables.
type Layout struct {
	DataDir string
}

func (l Layout) EngineDir() string    { return filepath.Join(l.DataDir, "engine") }
func (l Layout) ServerDir() string    { return filepath.Join(l.DataDir, "server") }
func (l Layout) ConfigFile() string   { return filepath.Join(l.ServerDir(), "config.xml") }
func (l Layout) UsersFile() string    { return filepath.Join(l.ServerDir(), "users.xml") }
func (l Layout) UserFilesDir() string { return filepath.Join(l.ServerDir(), "user_files") }
func (l Layout) LogDir() string       { return filepath.Join(l.DataDir, "logs") }
func (l Layout) PidFile() string      { return filepath.Join(l.DataDir, "server.pid") }

// ServerConfig is everything config.xml and users.xml are rendered from.
type ServerConfig struct {
	Layout   Layout
	HTTPPort int
	TCPPort  int
	Database string
	Writer   Account
	Reader   Account
	// Control is the launcher's own account: it only ends the keepalive statement at shutdown.
	// Its password is random per start and exists only in the launcher's memory.
	Control Account
	// ReaderMaxExecutionSeconds bounds every statement of the read-only user on the server side.
	ReaderMaxExecutionSeconds int
	// Cluster, when set, makes this server one shard of a cluster its Distributed tables name.
	Cluster *Cluster
}

// Account is a ClickHouse user the launcher defines; only the password's SHA-256 is written.
type Account struct {
	Name     string
	Password string
}

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Validate reports every problem at once, one per line.
func (c ServerConfig) Validate() error {
	var problems []string
	if !identifier.MatchString(c.Database) {
		problems = append(problems, fmt.Sprintf("--database %q: expected a ClickHouse identifier", c.Database))
	}
	seen := map[string]string{"default": "clickhouse-local's own session"}
	for _, a := range []struct {
		flag string
		acc  Account
	}{{"--writer-user", c.Writer}, {"--reader-user", c.Reader}, {"control user", c.Control}} {
		if !identifier.MatchString(a.acc.Name) {
			problems = append(problems, fmt.Sprintf("%s %q: expected a ClickHouse identifier", a.flag, a.acc.Name))
			continue
		}
		if owner, taken := seen[a.acc.Name]; taken {
			problems = append(problems, fmt.Sprintf("%s %q: the name is taken by %s; choose another", a.flag, a.acc.Name, owner))
		}
		seen[a.acc.Name] = a.flag
		if a.acc.Password == "" {
			problems = append(problems, fmt.Sprintf("%s %q: empty password", a.flag, a.acc.Name))
		}
	}
	for _, p := range []struct {
		name string
		port int
	}{{"--port", c.HTTPPort}, {"--tcp-port", c.TCPPort}} {
		if p.port < 1 || p.port > 65535 {
			problems = append(problems, fmt.Sprintf("%s %d: expected 1..65535", p.name, p.port))
		}
	}
	if c.Cluster != nil {
		problems = append(problems, c.Cluster.validate()...)
	}
	if c.HTTPPort == c.TCPPort {
		problems = append(problems, fmt.Sprintf("--port and --tcp-port are both %d; give them different ports", c.HTTPPort))
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s", strings.Join(problems, "\n"))
	}
	return nil
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// xmlText escapes a value for an XML text node; paths are the only free text we write.
func xmlText(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;")
	return r.Replace(s)
}

// RenderConfigXML is the server configuration clickhouse-local reads with --config-file.
func RenderConfigXML(c ServerConfig) string {
	l := c.Layout
	return fmt.Sprintf(`<clickhouse>
  <!-- Rendered by chdb-server at every start; edits are overwritten. -->
  <listen_host>127.0.0.1</listen_host>
  <http_port>%d</http_port>
  <tcp_port>%d</tcp_port>
  <users_config>%s</users_config>
  <!-- An empty directory: no user has a grant on file() anyway; this keeps the default away from the working directory. -->
  <user_files_path>%s</user_files_path>
  <logger>
    <level>information</level>
    <log>%s</log>
    <errorlog>%s</errorlog>
    <size>50M</size>
    <count>3</count>
  </logger>
  <access_control_improvements>
    <!-- Without these, any user could read system tables, including other users' queries. -->
    <select_from_system_db_requires_grant>true</select_from_system_db_requires_grant>
    <select_from_information_schema_requires_grant>true</select_from_information_schema_requires_grant>
    <table_engines_require_grant>true</table_engines_require_grant>
    <settings_constraints_replace_previous>true</settings_constraints_replace_previous>
  </access_control_improvements>
%s</clickhouse>
`, c.HTTPPort, c.TCPPort, xmlText(l.UsersFile()), xmlText(l.UserFilesDir()+"/"),
		xmlText(filepath.Join(l.LogDir(), "clickhouse.log")), xmlText(filepath.Join(l.LogDir(), "clickhouse.err.log")),
		renderClusterXML(c.Cluster, c.Writer.Password))
}

// RenderUsersXML defines the four users. Grants are explicit for every one: in users.xml a user
// without <grants> holds every privilege.
func RenderUsersXML(c ServerConfig) string {
	db := c.Database
	maxExec := c.ReaderMaxExecutionSeconds
	if maxExec <= 0 {
		maxExec = 60
	}
	return fmt.Sprintf(`<clickhouse>
  <!-- Rendered by chdb-server at every start from the password files; only SHA-256 hashes are written. -->
  <profiles>
    <!-- The engine applies the profile named default to its global context. -->
    <default></default>
    <!--
      clickhouse-local's own session always logs in as "default" with an empty password from
      127.0.0.1, so that user must exist and hold SYSTEM LISTEN to open the listeners. Its profile
      is read-only: the launcher's session alone lifts that with readonly=0 on its command line,
      so anyone else who logs in as default can neither change a setting nor run SYSTEM.
    -->
    <boot>
      <readonly>1</readonly>
      <max_execution_time>5</max_execution_time>
      <max_result_rows>1000</max_result_rows>
    </boot>
    <writer>
      <max_execution_time>600</max_execution_time>
    </writer>
    <!--
      ClickHouse's readonly profile, with the value fixed and a bound on every statement. A client
      may lower the bound, never raise it: Grafana's ClickHouse data source (its clickhouse-go
      client) sends max_execution_time with every query, which readonly = 1 alone refuses.
    -->
    <reader>
      <readonly>1</readonly>
      <max_execution_time>%d</max_execution_time>
      <constraints>
        <readonly><const/></readonly>
        <max_execution_time><max>%d</max><changeable_in_readonly/></max_execution_time>
      </constraints>
    </reader>
    <control>
      <max_execution_time>30</max_execution_time>
    </control>
  </profiles>
  <quotas><default></default></quotas>
  <users>
    <default>
      <no_password/>
      <networks><ip>127.0.0.1</ip></networks>
      <profile>boot</profile>
      <quota>default</quota>
      <grants>
        <query>GRANT SYSTEM LISTEN ON *.*</query>
        <query>GRANT SELECT ON system.numbers</query>
      </grants>
    </default>
    <%s>
      <password_sha256_hex>%s</password_sha256_hex>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>writer</profile>
      <quota>default</quota>
      <grants>
        <query>GRANT CREATE DATABASE, CREATE TABLE, CREATE VIEW, DROP TABLE, DROP VIEW, ALTER, INSERT, SELECT, SHOW, TRUNCATE, OPTIMIZE ON %s.*</query>
        <query>GRANT TABLE ENGINE ON MergeTree</query>
        <query>GRANT TABLE ENGINE ON ReplacingMergeTree</query>
        <query>GRANT TABLE ENGINE ON SummingMergeTree</query>
        <query>GRANT TABLE ENGINE ON AggregatingMergeTree</query>
        <query>GRANT TABLE ENGINE ON Null</query>
        <query>GRANT SELECT ON system.*</query>%s
      </grants>
    </%s>
    <%s>
      <password_sha256_hex>%s</password_sha256_hex>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>reader</profile>
      <quota>default</quota>
      <grants>
        <query>GRANT SELECT, SHOW ON %s.*</query>
        <query>GRANT SELECT ON system.*</query>
      </grants>
    </%s>
    <%s>
      <password_sha256_hex>%s</password_sha256_hex>
      <networks><ip>127.0.0.1</ip></networks>
      <profile>control</profile>
      <quota>default</quota>
      <grants>
        <query>GRANT KILL QUERY ON *.*</query>
        <query>GRANT SELECT ON system.processes</query>
      </grants>
    </%s>
  </users>
</clickhouse>
`, maxExec, maxExec,
		c.Writer.Name, sha256Hex(c.Writer.Password), db, distributedGrant(c.Cluster), c.Writer.Name,
		c.Reader.Name, sha256Hex(c.Reader.Password), db, c.Reader.Name,
		c.Control.Name, sha256Hex(c.Control.Password), c.Control.Name)
}

// distributedGrant lets the writer create Distributed tables, only on a server that is part of a
// cluster (table_engines_require_grant is on).
func distributedGrant(c *Cluster) string {
	if c == nil {
		return ""
	}
	return "\n        <query>GRANT TABLE ENGINE ON Distributed</query>"
}

// KeepaliveMarker makes the launcher's own long statement findable in system.processes.
func KeepaliveMarker(token string) string { return "chdb-server keepalive " + token }

// BootQuery opens both listeners, then holds the engine open with a statement that sleeps one
// row at a time (so KILL QUERY ends it within a second) until the launcher kills it.
func BootQuery(token string) string {
	return "SYSTEM START LISTEN HTTP; SYSTEM START LISTEN TCP; " +
		"SELECT /* " + KeepaliveMarker(token) + " */ count() FROM system.numbers WHERE sleepEachRow(1) = 0 " +
		"SETTINGS max_block_size = 1, function_sleep_max_microseconds_per_block = 0, max_execution_time = 0, max_result_rows = 0"
}

// KillQuery ends the keepalive statement; the local session runs as an empty user name.
func KillQuery(token string) string {
	return "KILL QUERY WHERE user = '' AND query LIKE '%" + KeepaliveMarker(token) + "%' AND query NOT LIKE 'KILL%' SYNC"
}

// EngineArgs is clickhouse-local's argv. --readonly=0 applies to its own session only (see boot).
func EngineArgs(c ServerConfig, token string) []string {
	return []string{
		"clickhouse",
		"--config-file=" + c.Layout.ConfigFile(),
		"--path=" + c.Layout.EngineDir() + "/",
		"--readonly=0",
		"--max_execution_time=0",
		"--max_result_rows=0",
		"--query=" + BootQuery(token),
	}
}
