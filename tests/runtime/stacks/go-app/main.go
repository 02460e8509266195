package main

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
)

func main() {
	http.HandleFunc("/write", func(w http.ResponseWriter, r *http.Request) {
		p := filepath.Join("data", "hits.txt")
		if err := os.MkdirAll("data", 0o755); err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		f, err := os.OpenFile(p, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		defer f.Close()
		fmt.Fprintln(f, "hit")
		fmt.Fprintf(w, "write ok uid=%d\n", os.Getuid())
	})
	http.ListenAndServe(":8000", nil)
}
