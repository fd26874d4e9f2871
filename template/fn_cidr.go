package template

// evalCidr: address blocks CloudFormation computes at deployment.
func evalCidr(e *Evaluator, call, arg *Value, when Path, depth int) []Outcome {
	return []Outcome{{Value: refValue(&Ref{Kind: RefOther, Name: "Fn::Cidr", Pos: call.Pos}, call.Pos), When: when}}
}
