#!/usr/bin/env bash
# Gets a Fargate Chat stack out of a failed state so the pipeline can run it again (docs/deploy.md,
# "If a deployment failed"). Needs the AWS CLI, signed in.
#
#   scripts/aws/recover-stack.sh <stack name>      e.g. fargate-chat-resources
#
# ROLLBACK_COMPLETE (a first create failed and was rolled back): deletes the empty stack.
# ROLLBACK_FAILED or DELETE_FAILED: what CloudFormation could not delete is a protected resource.
#   For each one the stack still lists, it removes the protection: an AWS::DynamoDB::Table gets
#   deletion protection turned off; an AWS::S3::Bucket is emptied. Then it deletes the stack.
# UPDATE_ROLLBACK_FAILED (an update added a protected table, failed, and the rollback could not
#   delete the table): turns the protection of the tables the rollback could not delete off, then
#   continues the rollback.
# After a deletion it force-deletes the stack's AWS::SecretsManager::Secret resources, which
# CloudFormation only schedules for deletion (the next create would fail on their names).
# Only resources the failed stack itself lists are touched: tables and buckets of a healthy
# deployment are never part of a failed first create.
set -euo pipefail

STACK="${1:?usage: scripts/aws/recover-stack.sh <stack name>}"
STATUS=$(aws cloudformation describe-stacks --stack-name "$STACK" --query 'Stacks[0].StackStatus' --output text)
echo "$STACK is $STATUS"

# Physical ids of the stack's resources of one type, optionally in one status.
resources() {
  local type="$1" status="${2:-}"
  local filter="ResourceType=='$type'"
  [ -n "$status" ] && filter="$filter && ResourceStatus=='$status'"
  aws cloudformation list-stack-resources --stack-name "$STACK" \
    --query "StackResourceSummaries[?$filter && PhysicalResourceId != null].PhysicalResourceId" --output text
}

unprotect_tables() {
  for TABLE in $(resources AWS::DynamoDB::Table "${1:-}"); do
    if aws dynamodb describe-table --table-name "$TABLE" > /dev/null 2>&1; then
      aws dynamodb update-table --table-name "$TABLE" --no-deletion-protection-enabled > /dev/null
      echo "deletion protection off: $TABLE"
    fi
  done
}

empty_buckets() {
  for BUCKET in $(resources AWS::S3::Bucket); do
    if aws s3api head-bucket --bucket "$BUCKET" > /dev/null 2>&1; then
      aws s3 rm "s3://$BUCKET" --recursive --quiet
      echo "emptied: $BUCKET"
    fi
  done
}

delete_stack() {
  local secrets
  secrets=$(resources AWS::SecretsManager::Secret)
  aws cloudformation delete-stack --stack-name "$STACK"
  aws cloudformation wait stack-delete-complete --stack-name "$STACK"
  for SECRET in $secrets; do
    aws secretsmanager delete-secret --secret-id "$SECRET" --force-delete-without-recovery > /dev/null 2>&1 || true
  done
  echo "deleted $STACK; run the pipeline again: aws codepipeline start-pipeline-execution --name <prefix>"
}

case "$STATUS" in
  ROLLBACK_COMPLETE)
    delete_stack ;;
  ROLLBACK_FAILED | DELETE_FAILED)
    unprotect_tables
    empty_buckets
    delete_stack ;;
  UPDATE_ROLLBACK_FAILED)
    unprotect_tables DELETE_FAILED
    aws cloudformation continue-update-rollback --stack-name "$STACK"
    aws cloudformation wait stack-rollback-complete --stack-name "$STACK"
    echo "$STACK rolled back; the next pipeline run updates it again" ;;
  *)
    echo "nothing to recover: $STACK is $STATUS" ;;
esac
