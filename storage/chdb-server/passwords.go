package main

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// NewPassword is 32 random bytes, URL-safe so it survives YAML, env files and Basic auth.
func NewPassword() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// EnsurePasswordFile reads a password file, creating it (0600) with a fresh password when it is
// missing. A file other users can read is refused: the password is the boundary of the store.
func EnsurePasswordFile(path string) (password string, created bool, err error) {
	if _, statErr := os.Stat(path); errors.Is(statErr, fs.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return "", false, err
		}
		pw, err := NewPassword()
		if err != nil {
			return "", false, err
		}
		// O_EXCL: if two starters race, exactly one writes and both read the same password below.
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			_, werr := f.WriteString(pw + "\n")
			cerr := f.Close()
			if werr != nil {
				return "", false, werr
			}
			if cerr != nil {
				return "", false, cerr
			}
			created = true
		} else if !errors.Is(err, fs.ErrExist) {
			return "", false, err
		}
	}
	info, err := os.Stat(path)
	if err != nil {
		return "", false, err
	}
	if info.Mode().Perm()&0o077 != 0 {
		return "", false, fmt.Errorf("password file %s is readable by other users (mode %o); run chmod 600 %s", path, info.Mode().Perm(), path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", false, err
	}
	password = strings.TrimSpace(string(b))
	if password == "" {
		return "", false, fmt.Errorf("password file %s is empty; delete it to have a new password generated", path)
	}
	return password, created, nil
}

// PasswordFromEnv reads a password a container runtime passes in its environment: there the
// secret lives with the runtime, and files under the data volume would be a second copy.
func PasswordFromEnv(name string) (string, error) {
	password := strings.TrimSpace(os.Getenv(name))
	if password == "" {
		return "", fmt.Errorf("$%s is empty or unset; the runtime passes the password in it", name)
	}
	return password, nil
}

// passwordFrom is a password file's (created when missing) or an environment variable's; the
// flags make sure exactly one is named.
func passwordFrom(file, env string) (password string, created bool, err error) {
	if env != "" {
		password, err = PasswordFromEnv(env)
		return password, false, err
	}
	return EnsurePasswordFile(file)
}
