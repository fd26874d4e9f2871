# The lambdagate GitHub Action's image: a static Go binary on a small Alpine
# base that carries git (for the pull request's diff) and CA certificates
# (for the AWS APIs in post-deploy mode).
#
# Base images are pinned by digest, so a moved tag cannot change what runs in
# your workflow; refresh tag and digest together, in their own commit.
#
# No USER: the runner mounts the workspace and the command files
# (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY) owned by its own user, and only root
# can write them from the container (GitHub's Dockerfile support docs).
# No WORKDIR: the runner sets the working directory to the workspace.
# checkov:skip=CKV_DOCKER_3 trivy:ignore:AVD-DS-0002 (root on purpose, see above)

FROM golang:1.26-alpine@sha256:0178a641fbb4858c5f1b48e34bdaabe0350a330a1b1149aabd498d0699ff5fb2 AS build
ARG VERSION=dev
ENV CGO_ENABLED=0 GOFLAGS=-mod=readonly GOTOOLCHAIN=local
COPY go.mod go.sum /src/
RUN cd /src && go mod download
COPY . /src
RUN cd /src && go build -trimpath -ldflags="-s -w -X main.version=${VERSION}" -o /out/lambdagate .

FROM alpine:3.22@sha256:4b7ce07002c69e8f3d704a9c5d6fd3053be500b7f1c69fc0d80990c2ad8dd412
RUN apk add --no-cache git ca-certificates
COPY --from=build /out/lambdagate /usr/local/bin/lambdagate
ENTRYPOINT ["/usr/local/bin/lambdagate"]
