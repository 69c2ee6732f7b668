"""Pages that gather several features: the home page, a field's and a town's page, the
account page. They sit on top, so the features below them never import each other."""
