package scan

import (
	"os"
	"testing"

	"github.com/lambdagate/lambdagate/evaluation"
	"github.com/lambdagate/lambdagate/template"
)

// corpusFiles reads the corpus into memory once, so that the benchmarks below
// compare the work on the bytes, not the disk.
func corpusFiles(b *testing.B) (names []string, data [][]byte) {
	b.Helper()
	needCorpus(b)
	files, err := discover([]string{corpusDir}, Options{}.withDefaults(), &evaluation.Result{})
	if err != nil {
		b.Fatal(err)
	}
	for _, f := range files {
		d, err := os.ReadFile(f.path)
		if err != nil {
			b.Fatal(err)
		}
		names, data = append(names, f.path), append(data, d)
	}
	return names, data
}

// BenchmarkScanCorpus checks every corpus file, one after the other on one
// goroutine: parse, functions, checks, suppressions. Compare with
// BenchmarkParseCorpus, the floor.
func BenchmarkScanCorpus(b *testing.B) {
	names, data := corpusFiles(b)
	opts := Options{}.withDefaults()
	b.ResetTimer()
	for b.Loop() {
		for i := range names {
			scanData(names[i], data[i], opts)
		}
	}
	b.ReportMetric(float64(len(names)*b.N)/b.Elapsed().Seconds(), "templates/s")
}

// BenchmarkParseCorpus only parses the files BenchmarkScanCorpus scans.
func BenchmarkParseCorpus(b *testing.B) {
	names, data := corpusFiles(b)
	b.ResetTimer()
	for b.Loop() {
		for i := range names {
			template.Parse(names[i], data[i], template.DefaultLimits)
		}
	}
	b.ReportMetric(float64(len(names)*b.N)/b.Elapsed().Seconds(), "templates/s")
}

// BenchmarkScanCorpusFiles is the whole command's work on the corpus: walk
// the folder, read the files and check them on GOMAXPROCS workers.
func BenchmarkScanCorpusFiles(b *testing.B) {
	needCorpus(b)
	var n int
	for b.Loop() {
		res, err := Scan([]string{corpusDir}, Options{})
		if err != nil {
			b.Fatal(err)
		}
		n = res.Templates + len(res.Errors)
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "templates/s")
}
