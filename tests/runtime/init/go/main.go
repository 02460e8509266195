// The app `dockfix init go` expects: listens on $PORT; / answers "ok" after
// reaching its database with the password from its secret file (TCP for
// postgres/mysql, AUTH + PING for redis).
package main

import (
	"bufio"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

func secret(name string) (string, error) {
	if f := os.Getenv(name + "_FILE"); f != "" {
		b, err := os.ReadFile(f)
		return strings.TrimSpace(string(b)), err
	}
	return os.Getenv(name), nil
}

func probe() (string, error) {
	if h := os.Getenv("REDIS_HOST"); h != "" {
		pass, err := secret("REDIS_PASSWORD")
		if err != nil {
			return "", err
		}
		c, err := net.DialTimeout("tcp", net.JoinHostPort(h, os.Getenv("REDIS_PORT")), 4*time.Second)
		if err != nil {
			return "", err
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(4 * time.Second))
		user := os.Getenv("REDIS_USERNAME")
		if user == "" {
			user = "default"
		}
		fmt.Fprintf(c, "AUTH %s %s\r\nPING\r\n", user, pass)
		r := bufio.NewReader(c)
		for i := 0; i < 2; i++ {
			line, err := r.ReadString('\n')
			if err != nil {
				return "", err
			}
			if strings.HasPrefix(line, "-") {
				return "", fmt.Errorf("redis: %s", strings.TrimSpace(line))
			}
		}
		return "redis", nil
	}
	if h := os.Getenv("DB_HOST"); h != "" {
		if _, err := secret("DB_PASSWORD"); err != nil {
			return "", err
		}
		c, err := net.DialTimeout("tcp", net.JoinHostPort(h, os.Getenv("DB_PORT")), 4*time.Second)
		if err != nil {
			return "", err
		}
		c.Close()
		return "db tcp", nil
	}
	return "no database", nil
}

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		what, err := probe()
		if err != nil {
			log.Printf("probe: %v", err)
			http.Error(w, "error: "+err.Error(), 500)
			return
		}
		fmt.Fprintf(w, "ok %s\n", what)
	})
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	log.Fatal(http.ListenAndServe(":"+port, nil))
}
