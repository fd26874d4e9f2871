package deployed

import (
	"context"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/lambdagate/lambdagate/iam"
	"github.com/lambdagate/lambdagate/lambda"
)

const ruleKeyRotation = "kms-key-rotation"

// keyFetch is one KMS key, read once however many functions use it.
type keyFetch struct {
	done  chan struct{}
	key   *lambda.Key // nil when it could not be read, or is AWS managed
	issue *issue
	// awsManaged: DescribeKey says KeyManager AWS (alias/aws/lambda). AWS
	// rotates it and owns its policy: the rule passes it, with a note
	// naming the functions (users) that use it.
	awsManaged bool
	users      []*entry
}

// key reads the function's KMS key for kms-key-rotation: DescribeKey (an
// AWS managed key rotates on its own and its policy is AWS's: it is judged
// no further), GetKeyRotationStatus and the default key policy
// (GetKeyPolicy). What could not be read leaves the rule not verified.
func (r *run) key(e *entry, arn string) (*lambda.Key, bool) {
	if r.c.KMS == nil || arn == "" {
		return nil, false
	}
	r.mu.Lock()
	f, ok := r.keys[arn]
	if !ok {
		f = &keyFetch{done: make(chan struct{})}
		r.keys[arn] = f
	}
	f.users = append(f.users, e)
	r.mu.Unlock()
	if !ok {
		f.key, f.awsManaged, f.issue = r.readKey(arn)
		close(f.done)
	}
	<-f.done
	if f.issue != nil {
		r.unverified(e, ruleKeyRotation) // the problem is said once for the key (see Verify)
	}
	return f.key, f.awsManaged
}

func (r *run) readKey(arn string) (key *lambda.Key, awsManaged bool, is *issue) {
	var desc *kms.DescribeKeyOutput
	if err := r.call("kms:DescribeKey", arn, func(ctx context.Context) error {
		var err error
		desc, err = r.c.KMS.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: &arn})
		return err
	}); err != nil {
		return nil, false, &issue{err: err}
	}
	md := desc.KeyMetadata
	if md == nil {
		return nil, false, &issue{msg: "DescribeKey returned no metadata"}
	}
	if md.KeyManager == kmstypes.KeyManagerTypeAws {
		return nil, true, nil // AWS managed: rotated by AWS every year; not the team's to configure
	}
	k := &lambda.Key{ID: arn, Symmetric: md.KeySpec == kmstypes.KeySpecSymmetricDefault || md.KeySpec == ""}
	if md.KeyState != "" && md.KeyState != kmstypes.KeyStateEnabled {
		k.State = string(md.KeyState)
	}
	switch {
	case md.Origin == kmstypes.OriginTypeExternal:
		k.NoAutoRotation = "its key material is imported (Origin EXTERNAL)"
	case deref(md.CustomKeyStoreId) != "":
		k.NoAutoRotation = "it is in a custom key store (" + deref(md.CustomKeyStoreId) + ")"
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first *issue
	fail := func(is issue) {
		mu.Lock()
		if first == nil {
			first = &is
		}
		mu.Unlock()
	}
	if k.Symmetric {
		wg.Go(func() {
			var rot *kms.GetKeyRotationStatusOutput
			if err := r.call("kms:GetKeyRotationStatus", arn, func(ctx context.Context) error {
				var err error
				rot, err = r.c.KMS.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: &arn})
				return err
			}); err != nil {
				fail(issue{err: err})
				return
			}
			k.Rotation = fmt.Sprint(rot.KeyRotationEnabled)
		})
	}
	wg.Go(func() {
		var pol *kms.GetKeyPolicyOutput
		if err := r.call("kms:GetKeyPolicy", arn, func(ctx context.Context) error {
			var err error
			pol, err = r.c.KMS.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: &arn})
			return err
		}); err != nil {
			fail(issue{err: err})
			return
		}
		p, err := iam.ParseJSON("the key policy of "+arn, []byte(deref(pol.Policy)))
		if err != nil {
			k.Problems = append(k.Problems, iam.Problem{Message: err.Error()})
			return
		}
		k.Policy = &p
	})
	wg.Wait()
	if first != nil {
		return nil, false, first
	}
	return k, false, nil
}
