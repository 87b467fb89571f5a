"""The pipeline that publishes the policy in every language: `python -m scripts <verb>`."""
