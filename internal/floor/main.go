// Command floor is the parse-only floor lambdagate's speed is measured
// against: it reads and parses every template-like file under the paths
// with yaml.v3, on two workers, and does nothing else.
//
//	go build -o /tmp/floor ./internal/floor && /usr/bin/time -f '%e %U %M' /tmp/floor ../shared/corpus
package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

func main() {
	var files []string
	for _, root := range os.Args[1:] {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && slices.Contains([]string{".yaml", ".yml", ".json", ".template"}, strings.ToLower(filepath.Ext(p))) {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, "floor:", err)
			os.Exit(2)
		}
	}
	next := make(chan string)
	var wg sync.WaitGroup
	var mu sync.Mutex
	parsed := 0
	for range 2 {
		wg.Go(func() {
			for f := range next {
				data, err := os.ReadFile(f)
				if err != nil {
					continue
				}
				var n yaml.Node
				if yaml.Unmarshal(data, &n) == nil {
					mu.Lock()
					parsed++
					mu.Unlock()
				}
			}
		})
	}
	for _, f := range files {
		next <- f
	}
	close(next)
	wg.Wait()
	fmt.Printf("%d files, %d parsed\n", len(files), parsed)
}
