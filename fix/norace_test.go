//go:build !race

package fix

// corpusStride: without the race detector the corpus test fixes every template.
const corpusStride = 1
