// A small API: /health, and /write, which stores a file in /data.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

func main() {
	http.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	http.HandleFunc("/write", func(w http.ResponseWriter, r *http.Request) {
		p := filepath.Join("/data", fmt.Sprintf("order-%d.json", time.Now().UnixNano()))
		if err := os.WriteFile(p, []byte("{}\n"), 0o644); err != nil {
			log.Printf("write: %v", err)
			http.Error(w, "error: "+err.Error(), 500)
			return
		}
		fmt.Fprintf(w, "write ok %s\n", p)
	})
	log.Print("listening on :8080")
	log.Fatal(http.ListenAndServe(":8080", nil))
}
