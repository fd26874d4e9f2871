package deployed

import "testing"

func TestPartitionOfARegion(t *testing.T) {
	for region, want := range map[string]string{
		"eu-west-1": "aws", "cn-north-1": "aws-cn", "us-gov-west-1": "aws-us-gov", "eusc-de-east-1": "aws-eusc",
		"us-iso-east-1": "aws-iso", "us-isob-east-1": "aws-iso-b", "eu-isoe-west-1": "aws-iso-e", "us-isof-south-1": "aws-iso-f",
	} {
		if got := partition(region); got != want {
			t.Errorf("partition(%s) = %s, want %s", region, got, want)
		}
	}
}

// The ARNs AWS returns say the partition; the region's name is a guess.
func TestThePartitionIsLearntFromTheFirstARN(t *testing.T) {
	r := &run{part: partition("xx-new-1")}
	r.learnAccount("arn:aws:iam::aws:policy/ReadOnlyAccess") // no account: not learnt
	r.learnAccount("arn:aws-new:cloudformation:xx-new-1:123456789012:stack/app/1")
	r.learnAccount("arn:aws:lambda:xx-new-1:123456789012:function:f")
	if got := r.partition(); got != "aws-new" {
		t.Errorf("partition %s, want aws-new (the first ARN's)", got)
	}
}
