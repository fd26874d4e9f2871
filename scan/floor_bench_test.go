package scan

import (
	"testing"

	yaml "go.yaml.in/yaml/v3"
)

// BenchmarkYAMLCorpus is the floor under BenchmarkParseCorpus: the corpus
// parsed into the YAML library's nodes, and nothing else. Run the three
// together (-bench 'Corpus$') to read the ratios from one run.
func BenchmarkYAMLCorpus(b *testing.B) {
	names, data := corpusFiles(b)
	for b.Loop() {
		for i := range names {
			var n yaml.Node
			yaml.Unmarshal(data[i], &n)
		}
	}
	b.ReportMetric(float64(len(names)*b.N)/b.Elapsed().Seconds(), "templates/s")
}
