# Production: its name and size. Committed: it holds no account, address or secret (those are in
# production.site.tfvars, git-ignored). Redundant: two origin hosts, three transcoders, up to twenty
# CDN nodes, a database standby in a second AZ.

environment = "production"

origin_count     = 2
transcoder_count = 3
cdn_min_size     = 2
cdn_max_size     = 20
db_multi_az      = true
