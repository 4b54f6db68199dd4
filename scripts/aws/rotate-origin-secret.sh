#!/usr/bin/env bash
# Rotates the header value CloudFront adds to every request (X-Origin-Verify) and the load
# balancer's listener rule requires, without a moment where they disagree (docs/operations.md,
# "Rotating the origin secret"). Needs the AWS CLI, signed in, and jq.
#
#   scripts/aws/rotate-origin-secret.sh [--prefix fargate-chat]
#
# 1. The Release stage's transition is disabled, so no release updates the rule meanwhile.
# 2. The listener rule accepts the old value and the new one.
# 3. The secret holds the new value: any later CloudFormation update of the distribution or the
#    rule resolves the new one.
# 4. CloudFront sends the new value; the script waits until the distribution is deployed everywhere.
# 5. The listener rule accepts the new value only. The transition is enabled again.
# Requests keep flowing throughout: at every step the value CloudFront sends is one the rule takes.
# The old value is read from CloudFront's own configuration once it is fully deployed, not from the
# secret, so a run that stopped half-way can simply be run again.
set -euo pipefail

PREFIX=fargate-chat
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) PREFIX="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
CLUSTER_STACK="$PREFIX-cluster"
SERVICE_STACK="$PREFIX-service"
SECRET_ID="$CLUSTER_STACK/origin-verify"
HEADER=X-Origin-Verify
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

DISTRIBUTION=$(aws cloudformation describe-stacks --stack-name "$CLUSTER_STACK" \
  --query "Stacks[0].Outputs[?OutputKey=='DistributionId'].OutputValue" --output text)
RULE=$(aws cloudformation describe-stack-resource --stack-name "$SERVICE_STACK" --logical-resource-id ListenerRule \
  --query 'StackResourceDetail.PhysicalResourceId' --output text)
NEW=$(aws secretsmanager get-random-password --password-length 48 --exclude-punctuation --query RandomPassword --output text)

# The rule's conditions, replaced whole by modify-rule: its path pattern and the header values given.
conditions() {
  jq -n --arg header "$HEADER" '[{Field: "path-pattern", PathPatternConfig: {Values: ["/*"]}},
    {Field: "http-header", HttpHeaderConfig: {HttpHeaderName: $header, Values: $ARGS.positional}}]' --args "$@"
}

aws codepipeline disable-stage-transition --pipeline-name "$PREFIX" --stage-name Release --transition-type Inbound \
  --reason "rotating the origin secret (scripts/aws/rotate-origin-secret.sh)"
trap 'aws codepipeline enable-stage-transition --pipeline-name "$PREFIX" --stage-name Release --transition-type Inbound; rm -rf "$WORK"' EXIT

echo "0/4 waiting until the distribution is deployed everywhere, to read the value it sends"
aws cloudfront wait distribution-deployed --id "$DISTRIBUTION"
aws cloudfront get-distribution-config --id "$DISTRIBUTION" > "$WORK/current.json"
OLD=$(jq -r --arg header "$HEADER" '[.DistributionConfig.Origins.Items[].CustomHeaders.Items[]? | select(.HeaderName == $header) | .HeaderValue][0] // empty' "$WORK/current.json")
[ -n "$OLD" ] || { echo "the distribution sends no $HEADER header" >&2; exit 1; }

echo "1/4 the load balancer accepts the old and the new value"
aws elbv2 modify-rule --rule-arn "$RULE" --conditions "$(conditions "$OLD" "$NEW")" > /dev/null

echo "2/4 the secret holds the new value"
aws secretsmanager put-secret-value --secret-id "$SECRET_ID" --secret-string "$NEW" > /dev/null

echo "3/4 CloudFront sends the new value (waiting for the distribution to deploy, usually minutes)"
ETAG=$(jq -r .ETag "$WORK/current.json")
jq --arg header "$HEADER" --arg value "$NEW" \
  '.DistributionConfig | .Origins.Items |= map(if .CustomHeaders.Items then .CustomHeaders.Items |= map(if .HeaderName == $header then .HeaderValue = $value else . end) else . end)' \
  "$WORK/current.json" > "$WORK/next.json"
aws cloudfront update-distribution --id "$DISTRIBUTION" --if-match "$ETAG" --distribution-config "file://$WORK/next.json" > /dev/null
aws cloudfront wait distribution-deployed --id "$DISTRIBUTION"

echo "4/4 the load balancer accepts the new value only"
aws elbv2 modify-rule --rule-arn "$RULE" --conditions "$(conditions "$NEW")" > /dev/null
echo "origin secret rotated"
