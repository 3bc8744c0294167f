import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { Problem } from './Problem';

describe('Problem', () => {
  it('shows the problem as the server said it, every field error with its location', () => {
    const e = new ApiError(422, {
      title: 'Unprocessable Entity',
      status: 422,
      detail: 'the scenario is invalid: 2 problems',
      errors: [
        { location: 'rqs_input.colour', message: 'unknown key "colour"' },
        { location: 'sim_settings.total_simulation_time', message: 'must be a whole number of seconds >= 5, got 2' },
      ],
    });
    render(<Problem error={e} title="Could not save" />);
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('Could not save');
    expect(alert).toHaveTextContent('(HTTP 422)');
    expect(alert).toHaveTextContent('the scenario is invalid: 2 problems');
    expect(screen.getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'rqs_input.colour unknown key "colour"',
      'sim_settings.total_simulation_time must be a whole number of seconds >= 5, got 2',
    ]);
  });

  it('renders nothing without an error', () => {
    const { container } = render(<Problem error={null} />);
    expect(container).toBeEmptyDOMElement();
  });
});
