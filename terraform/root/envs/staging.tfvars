# Staging: its name and size. Committed: it holds no account, address or secret (those are in
# staging.site.tfvars, git-ignored). Small: one origin host, one transcoder, up to three CDN nodes,
# no database standby.

environment = "staging"

origin_count     = 1
transcoder_count = 1
cdn_min_size     = 1
cdn_max_size     = 3
db_multi_az      = false
