"""Text → blocks → sentences: normalisation, block classification (boilerplate, duplicates,
learnt chrome), language identification and sentence splitting. No model is needed here."""
