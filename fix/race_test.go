//go:build race

package fix

// corpusStride: under the race detector, which makes the scans about ten
// times slower, the corpus test fixes one template in three.
const corpusStride = 3
