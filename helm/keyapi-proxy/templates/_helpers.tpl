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
One replica only, for now: the credit ledger and the upstream rate limit live in one process, so a second replica
would double KeyAPI's QPS and let every team spend its allowance twice.
*/}}
{{- define "keyapi-proxy.singleReplicaGuard" -}}
{{- if gt (int .Values.replicaCount) 1 -}}
{{- fail "replicaCount must be 1: keyapi-proxy keeps its credit ledger and KeyAPI rate limit in one process, so more replicas would overspend and exceed KeyAPI's QPS (multi-replica mode comes with a shared store)" -}}
{{- end -}}
{{- if and .Values.autoscaling.enabled (gt (int .Values.autoscaling.maxReplicas) 1) -}}
{{- fail "autoscaling.maxReplicas must be 1: keyapi-proxy keeps its credit ledger and KeyAPI rate limit in one process (multi-replica mode comes with a shared store)" -}}
{{- end -}}
{{- end -}}
