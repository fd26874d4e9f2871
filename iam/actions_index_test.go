package iam

import (
	"reflect"
	"testing"
)

// The lazy per-service table reads what a parse of the whole file reads.
func TestLazyActionTableIsTheWholeTable(t *testing.T) {
	whole, err := parseActions(actionsTxt)
	if err != nil {
		t.Fatal(err)
	}
	if lazy := allActions(); !reflect.DeepEqual(whole, lazy) {
		t.Errorf("the lazy table has %d services, the whole parse %d, or their actions differ", len(lazy), len(whole))
	}
}
