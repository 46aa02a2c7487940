# Once: record the findings of the history you will not fix now, and commit the baseline.
kinelint check --write-baseline kinelint-baseline.toml invoices/
git add kinelint-baseline.toml

# From then on (locally, in pre-commit `args`, in CI): only new findings fail.
kinelint check --baseline kinelint-baseline.toml invoices/

# When old findings are fixed, kinelint notes the stale entries; refresh the baseline.
kinelint check --write-baseline kinelint-baseline.toml invoices/
