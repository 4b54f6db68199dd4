#!/usr/bin/env bash
# Tears down one Fargate Chat deployment so that the next deployment with the same prefix starts
# clean (docs/deploy.md, "Tearing down and deploying again"). Needs the AWS CLI, signed in.
#
#   scripts/aws/teardown.sh [--prefix fargate-chat] [--keep-data] [--no-backup] [--all [--pipeline-stack <name>]] [--yes]
#
# Deletes the app stacks in the reverse order of the pipeline (monitoring, service, resources,
# cluster); then what the stacks keep or leave on purpose: the tables (on-demand backup of each
# first, unless --no-backup; deletion protection off; delete), the upload bucket (emptied, deleted),
# the secrets CloudFormation only schedules for deletion (their names would collide), Container
# Insights' log group. --keep-data keeps the tables and the bucket (a redeploy then fails on
# "already exists" until they are deleted or imported). --all also deletes the pipeline stack, its
# artefact bucket's versions, its test report groups and its smoke account secret (the pipeline
# stack's name defaults to <prefix>-pipeline, as in docs/deploy.md).
# Every list below is held against infra/*.yml by test/infra/operator-scripts.test.ts.
set -euo pipefail

PREFIX=fargate-chat
PIPELINE_STACK=
KEEP_DATA=no
BACKUP=yes
ALL=no
CONFIRMED=no
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) PREFIX="$2"; shift 2 ;;
    --keep-data) KEEP_DATA=yes; shift ;;
    --no-backup) BACKUP=no; shift ;;
    --all) ALL=yes; shift ;;
    --pipeline-stack) PIPELINE_STACK="$2"; shift 2 ;;
    --yes) CONFIRMED=yes; shift ;;
    *) echo "unknown option $1 (see the comment at the top of $0)" >&2; exit 2 ;;
  esac
done

# The stacks the pipeline deploys, last first.
STACKS="monitoring service resources cluster"
# The tables of infra/resources.yml (<prefix>-resources-<name>).
TABLES="users messages rooms room-directory sessions memberships people search message-changes threads"
# Secrets named by the app stacks (<prefix>-<stack>/<name>).
SECRETS="resources/session-password resources/redis-auth-token resources/redis-url cluster/origin-verify"
PIPELINE_STACK="${PIPELINE_STACK:-$PREFIX-pipeline}"

if [ "$CONFIRMED" != yes ]; then
  read -r -p "Delete the Fargate Chat deployment '$PREFIX' (data: $([ "$KEEP_DATA" = yes ] && echo kept || echo deleted))? Type the prefix to confirm: " ANSWER
  [ "$ANSWER" = "$PREFIX" ] || { echo "not confirmed; nothing deleted"; exit 1; }
fi

stack_exists() {
  aws cloudformation describe-stacks --stack-name "$1" > /dev/null 2>&1
}

delete_stack() {
  if stack_exists "$1"; then
    echo "deleting stack $1"
    aws cloudformation delete-stack --stack-name "$1"
    aws cloudformation wait stack-delete-complete --stack-name "$1"
  fi
}

for STACK in $STACKS; do
  delete_stack "$PREFIX-$STACK"
done

if [ "$KEEP_DATA" = no ]; then
  STAMP=$(date -u +%Y%m%d%H%M%S)
  for NAME in $TABLES; do
    TABLE="$PREFIX-resources-$NAME"
    aws dynamodb describe-table --table-name "$TABLE" > /dev/null 2>&1 || continue
    if [ "$BACKUP" = yes ]; then
      # On-demand backups outlive the table; restore with restore-table-from-backup (docs/operations.md).
      aws dynamodb create-backup --table-name "$TABLE" --backup-name "$TABLE-teardown-$STAMP" \
        --query 'BackupDetails.BackupArn' --output text
    fi
    aws dynamodb update-table --table-name "$TABLE" --no-deletion-protection-enabled > /dev/null
    aws dynamodb delete-table --table-name "$TABLE" > /dev/null
    aws dynamodb wait table-not-exists --table-name "$TABLE"
    echo "deleted table $TABLE"
  done
  # The upload bucket's name is generated: <prefix>-resources-uploadbucket-<random>.
  for BUCKET in $(aws s3api list-buckets --query "Buckets[?starts_with(Name, '$PREFIX-resources-uploadbucket-')].Name" --output text); do
    aws s3 rm "s3://$BUCKET" --recursive --quiet
    aws s3api delete-bucket --bucket "$BUCKET"
    echo "deleted bucket $BUCKET"
  done
else
  echo "kept: the tables $PREFIX-resources-{${TABLES// /,}} and the upload bucket (see docs/deploy.md before deploying again)"
fi

for SECRET in $SECRETS; do
  aws secretsmanager delete-secret --secret-id "$PREFIX-$SECRET" --force-delete-without-recovery > /dev/null 2>&1 || true
done
aws logs delete-log-group --log-group-name "/aws/ecs/containerinsights/$PREFIX-cluster/performance" > /dev/null 2>&1 || true

if [ "$ALL" = yes ] && stack_exists "$PIPELINE_STACK"; then
  ARTIFACTS=$(aws cloudformation describe-stacks --stack-name "$PIPELINE_STACK" \
    --query "Stacks[0].Outputs[?OutputKey=='ArtifactBucketName'].OutputValue" --output text)
  # The artefact bucket is versioned: every version and delete marker goes.
  aws s3api list-object-versions --bucket "$ARTIFACTS" --output text \
    --query '[Versions[].[Key, VersionId], DeleteMarkers[].[Key, VersionId]][][]' |
  while read -r KEY VERSION; do
    if [ -n "$KEY" ] && [ "$KEY" != None ]; then
      aws s3api delete-object --bucket "$ARTIFACTS" --key "$KEY" --version-id "$VERSION" > /dev/null
    fi
  done
  # Test report groups are created by CodeBuild itself, not by the stack.
  for GROUP in $(aws codebuild list-report-groups --query "reportGroups[?contains(@, '$PIPELINE_STACK-image-')]" --output text); do
    aws codebuild delete-report-group --arn "$GROUP" --delete-reports
  done
  delete_stack "$PIPELINE_STACK"
  aws secretsmanager delete-secret --secret-id "$PIPELINE_STACK/smoke-account" --force-delete-without-recovery > /dev/null 2>&1 || true
fi
echo "teardown of $PREFIX complete"
