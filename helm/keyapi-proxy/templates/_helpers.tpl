{{- define "keyapi-proxy.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "keyapi-proxy.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "keyapi-proxy.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/*
Shared mode: with a Redis URL (given, or in an existing Secret) the replicas share the KeyAPI rate limit, the page
cache, fetch leases and the credit ledger in Redis. "true" or empty.
*/}}
{{- define "keyapi-proxy.shared" -}}
{{- if or .Values.redis.url .Values.redis.existingSecret -}}true{{- end -}}
{{- end -}}

{{/* "true" when more than one pod may run at once, by replicaCount or by the HPA. */}}
{{- define "keyapi-proxy.multiReplica" -}}
{{- if or (gt (int .Values.replicaCount) 1) (and .Values.autoscaling.enabled (gt (int .Values.autoscaling.maxReplicas) 1)) -}}true{{- end -}}
{{- end -}}

{{/*
The ledger file is on the claim unless several pods may run: a ReadWriteOnce claim cannot be shared by them, and
shared mode only reads the file once (a single pod's first shared start imports it into Redis). "true" or empty.
*/}}
{{- define "keyapi-proxy.ledgerOnClaim" -}}
{{- if and .Values.persistence.enabled (not (include "keyapi-proxy.multiReplica" .)) -}}true{{- end -}}
{{- end -}}

{{- define "keyapi-proxy.redisSecretName" -}}
{{- .Values.redis.existingSecret | default (printf "%s-redis" (include "keyapi-proxy.fullname" .)) -}}
{{- end -}}

{{/*
Without shared mode, one replica only: the credit ledger and the upstream rate limit live in one process, so a second
replica would double KeyAPI's QPS and let every team spend its allowance twice.
*/}}
{{- define "keyapi-proxy.replicaGuard" -}}
{{- if and .Values.redis.url .Values.redis.existingSecret -}}
{{- fail "set redis.url or redis.existingSecret, not both" -}}
{{- end -}}
{{- if not (include "keyapi-proxy.shared" .) -}}
{{- if gt (int .Values.replicaCount) 1 -}}
{{- fail "replicaCount must be 1 without a shared store: keyapi-proxy keeps its credit ledger and KeyAPI rate limit in one process, so more replicas would overspend and exceed KeyAPI's QPS; set redis.url or redis.existingSecret to share them in Redis" -}}
{{- end -}}
{{- if and .Values.autoscaling.enabled (gt (int .Values.autoscaling.maxReplicas) 1) -}}
{{- fail "autoscaling.maxReplicas must be 1 without a shared store: keyapi-proxy keeps its credit ledger and KeyAPI rate limit in one process; set redis.url or redis.existingSecret to share them in Redis" -}}
{{- end -}}
{{- end -}}
{{- end -}}
