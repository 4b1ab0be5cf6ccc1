"""Who may see what: the access file's grants and what they give a signed-in user."""
