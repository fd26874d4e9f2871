// Package samoracle holds the full-verdict SAM differential test: every SAM
// template of the shared corpus, and the probe templates of its testdata, is
// translated by AWS's own SAM translator, and lambdagate must give each
// function the same verdict on every rule in the SAM form and in the
// translation, which is what CloudFormation deploys. The package has no code
// of its own: the test drives the lambdagate command through its JSON
// contract, so that it outlives refactors of the packages it checks.
package samoracle
