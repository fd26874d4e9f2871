package deployed

import "strings"

// partitions are the partitions of the regions outside aws, by the prefix
// of their names, as the SDK's endpoint metadata (awsrulesfn's
// partitions.json, internal to the SDK) has them. They are a first guess:
// the partition of the first ARN read replaces it (learnAccount).
var partitions = []struct{ prefix, id string }{
	{"cn-", "aws-cn"},
	{"us-gov-", "aws-us-gov"},
	{"us-iso-", "aws-iso"},
	{"us-isob-", "aws-iso-b"},
	{"eu-isoe-", "aws-iso-e"},
	{"us-isof-", "aws-iso-f"},
	{"eusc-", "aws-eusc"},
}

// partition is the partition a region's name says it is in.
func partition(region string) string {
	for _, p := range partitions {
		if strings.HasPrefix(region, p.prefix) {
			return p.id
		}
	}
	return "aws"
}

// partition is the run's partition: the first ARN read's, else the
// region's.
func (r *run) partition() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.part
}
